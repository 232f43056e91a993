package org.jorchestrate.events.internal;

import java.util.Map;
import java.util.Objects;

/* Boxing of primitive classes, for type checks against parameter values. */
final class Primitives {

  private static final Map<Class<?>, Class<?>> WRAPPERS =
      Map.of(
          boolean.class, Boolean.class,
          byte.class, Byte.class,
          short.class, Short.class,
          char.class, Character.class,
          int.class, Integer.class,
          long.class, Long.class,
          float.class, Float.class,
          double.class, Double.class,
          void.class, Void.class);

  private Primitives() {}

  static Class<?> box(Class<?> type) {
    return type.isPrimitive() ? Objects.requireNonNull(WRAPPERS.get(type)) : type;
  }
}
