package org.jorchestrate.events.internal;

import java.time.ZoneId;
import org.jspecify.annotations.Nullable;

/*
 * The Shapes of one engine, found again by event type and parameter names so that an emission
 * neither validates its names nor allocates them once its shape was seen.
 *
 * A direct-mapped cache: SLOTS entries, each slot chosen from the type's identity hash and the
 * names' String hashes (cached in each String). Lookups compare the type by identity and the names
 * with equals, which starts with an identity check, so literals match at the cost of a few loads,
 * and equal names built at run time (a parameter map, a decoded message) still match.
 *
 * Thread-safety: the slots are read and written plainly by any emitting thread. That race is
 * benign: a Shape is immutable with final fields, so a reader sees either null, an older Shape or
 * a complete newer one; a miss, or two shapes colliding on a slot, only costs a validation and a
 * new Shape. Correctness never depends on a hit.
 */
final class Shapes {

  private static final int SLOTS = 256;
  private static final String[] NO_KEYS = {};

  private final @Nullable Shape[] slots = new Shape[SLOTS];
  private final ZoneId zone;

  Shapes(ZoneId zone) {
    this.zone = zone;
  }

  Shape of(Enum<?> type) {
    int slot = slot(type.hashCode());
    Shape shape = slots[slot];
    if (shape != null && shape.matches(type)) {
      return shape;
    }
    shape = new Shape(type, NO_KEYS, zone);
    slots[slot] = shape;
    return shape;
  }

  Shape of(Enum<?> type, @Nullable Object key) {
    int slot = slot(type.hashCode() * 31 + hash(key));
    Shape shape = slots[slot];
    if (shape != null && key != null && shape.matches(type, key)) {
      return shape;
    }
    shape = new Shape(type, KeyValues.validKeys(type, key), zone);
    slots[slot] = shape;
    return shape;
  }

  Shape of(Enum<?> type, @Nullable Object key0, @Nullable Object key1) {
    int slot = slot((type.hashCode() * 31 + hash(key0)) * 31 + hash(key1));
    Shape shape = slots[slot];
    if (shape != null && key0 != null && key1 != null && shape.matches(type, key0, key1)) {
      return shape;
    }
    shape = new Shape(type, KeyValues.validKeys(type, key0, key1), zone);
    slots[slot] = shape;
    return shape;
  }

  /* The shape of a key/value array whose length was checked to be even. */
  Shape ofPairs(Enum<?> type, @Nullable Object[] keyValues) {
    int h = type.hashCode();
    for (int i = 0; i < keyValues.length; i += 2) {
      h = h * 31 + hash(keyValues[i]);
    }
    int slot = slot(h);
    Shape shape = slots[slot];
    if (shape != null && shape.matchesPairs(type, keyValues)) {
      return shape;
    }
    shape = new Shape(type, KeyValues.validKeys(type, keyValues), zone);
    slots[slot] = shape;
    return shape;
  }

  private static int hash(@Nullable Object key) {
    return key instanceof String name ? name.hashCode() : 0; // a bad key only misses
  }

  private static int slot(int hash) {
    return (hash ^ (hash >>> 16)) & (SLOTS - 1);
  }
}
