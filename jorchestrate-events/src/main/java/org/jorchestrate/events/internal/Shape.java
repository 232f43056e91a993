package org.jorchestrate.events.internal;

import java.time.ZoneId;
import org.jspecify.annotations.Nullable;

/*
 * What the emissions of one event with one set of parameter names have in common: the type, the
 * names in emission order, and the zone the date and time are told in. Immutable; its fields are
 * final, so a Shape read through a data race (the Shapes cache) is seen whole.
 *
 * An EventRecord points to its Shape and holds only its own values, so that an emission with up to
 * two parameters allocates one 48-byte object (see EventRecord). A Shape is built only from names
 * that passed validation (KeyValues), so finding one in the cache also spares the validation.
 */
final class Shape {

  final Enum<?> type;
  final String[] keys;
  final ZoneId zone;

  Shape(Enum<?> type, String[] keys, ZoneId zone) {
    this.type = type;
    this.keys = keys;
    this.zone = zone;
  }

  int arity() {
    return keys.length;
  }

  /** The position of a parameter name, or -1. */
  int indexOf(String name) {
    String[] names = keys;
    for (int i = 0; i < names.length; i++) {
      if (names[i].equals(name)) {
        return i;
      }
    }
    return -1;
  }

  boolean matches(Enum<?> type) {
    return this.type == type && keys.length == 0;
  }

  boolean matches(Enum<?> type, Object key) {
    return this.type == type && keys.length == 1 && keys[0].equals(key);
  }

  boolean matches(Enum<?> type, Object key0, Object key1) {
    return this.type == type && keys.length == 2 && keys[0].equals(key0) && keys[1].equals(key1);
  }

  /* Whether the keys at the even positions of a validated-length key/value array are these. */
  boolean matchesPairs(Enum<?> type, @Nullable Object[] keyValues) {
    if (this.type != type || keys.length * 2 != keyValues.length) {
      return false;
    }
    for (int i = 0; i < keys.length; i++) {
      if (!keys[i].equals(keyValues[2 * i])) {
        return false;
      }
    }
    return true;
  }
}
