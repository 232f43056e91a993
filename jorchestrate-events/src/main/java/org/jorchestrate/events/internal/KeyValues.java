package org.jorchestrate.events.internal;

import java.util.Map;
import org.jorchestrate.events.Event;
import org.jspecify.annotations.Nullable;

/*
 * Validation of emit's parameters, before anything is queued. The names are checked when a Shape
 * is built for them; emissions whose names match a cached Shape skip that (see Shapes).
 *
 * No map is built: lookups scan the names linearly, which beats hashing for the handful of
 * parameters an event carries. Duplicate detection is quadratic in the pair count for the same
 * reason; above a few dozen pairs it would be worth a hash set, which no realistic event reaches.
 */
final class KeyValues {

  private KeyValues() {}

  /**
   * Checks the shape of a key/value array: non-null and of even length. The keys are checked when
   * the emission's Shape is built ({@link #validKeys(Enum, Object[])}).
   */
  static @Nullable Object[] checkPairs(Enum<?> type, @Nullable Object @Nullable [] keyValues) {
    if (keyValues == null) {
      throw new IllegalArgumentException(
          prefix(type) + "the key/value array is null; call emit(type) for no parameters");
    }
    int length = keyValues.length;
    if ((length & 1) != 0) {
      throw new IllegalArgumentException(
          prefix(type)
              + "parameters must come as key/value pairs, but "
              + length
              + " arguments were given: key "
              + describe(keyValues[length - 1])
              + " has no value");
    }
    return keyValues;
  }

  /** Checks one parameter name; returns it as the names of a Shape. */
  static String[] validKeys(Enum<?> type, @Nullable Object key) {
    return new String[] {checkKey(type, key, 0)};
  }

  /** Checks two parameter names, given at positions 0 and 2; returns them. */
  static String[] validKeys(Enum<?> type, @Nullable Object key0, @Nullable Object key1) {
    String first = checkKey(type, key0, 0);
    String second = checkKey(type, key1, 2);
    if (first.equals(second)) {
      throw duplicate(type, first, 0, 2);
    }
    return new String[] {first, second};
  }

  /** Checks the names at the even positions of an even-length key/value array; returns them. */
  static String[] validKeys(Enum<?> type, @Nullable Object[] keyValues) {
    String[] keys = new String[keyValues.length / 2];
    for (int i = 0; i < keyValues.length; i += 2) {
      String key = checkKey(type, keyValues[i], i);
      for (int j = 0; j < i; j += 2) {
        if (key.equals(keyValues[j])) {
          throw duplicate(type, key, j, i);
        }
      }
      keys[i / 2] = key;
    }
    return keys;
  }

  private static IllegalArgumentException duplicate(Enum<?> type, String key, int first, int second) {
    return new IllegalArgumentException(
        prefix(type)
            + "duplicate key '"
            + key
            + "' at positions "
            + first
            + " and "
            + second
            + "; each parameter may be given once");
  }

  static @Nullable Object[] fromMap(Enum<?> type, Map<?, ?> params) {
    @Nullable Object[] keyValues = new Object[params.size() * 2];
    int i = 0;
    for (Map.Entry<?, ?> entry : params.entrySet()) {
      if (i == keyValues.length) {
        throw new IllegalArgumentException(
            prefix(type) + "the parameter map grew while it was read; pass a stable map");
      }
      keyValues[i] = checkKey(type, entry.getKey(), i);
      keyValues[i + 1] = entry.getValue();
      i += 2;
    }
    if (i != keyValues.length) {
      throw new IllegalArgumentException(
          prefix(type) + "the parameter map shrank while it was read; pass a stable map");
    }
    return keyValues;
  }

  private static String checkKey(Enum<?> type, @Nullable Object key, int position) {
    if (!(key instanceof String name)) {
      throw new IllegalArgumentException(
          prefix(type)
              + "the key at position "
              + position
              + " is "
              + (key == null ? "null" : describe(key) + ", a " + key.getClass().getName())
              + "; keys must be non-null Strings, followed by their value");
    }
    if (name.isEmpty()) {
      throw new IllegalArgumentException(
          prefix(type) + "the key at position " + position + " is empty; name the parameter");
    }
    if (name.equals(Event.EVENT_DATE) || name.equals(Event.EVENT_TIME)) {
      throw new IllegalArgumentException(
          prefix(type)
              + "the key '"
              + name
              + "' is reserved: the manager adds it to every event; rename the parameter");
    }
    return name;
  }

  private static String prefix(Enum<?> type) {
    return "emit(" + EventRecord.typeName(type) + "): ";
  }

  private static String describe(@Nullable Object value) {
    return value instanceof String ? "'" + value + "'" : String.valueOf(value);
  }
}
