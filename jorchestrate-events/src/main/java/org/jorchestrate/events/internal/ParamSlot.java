package org.jorchestrate.events.internal;

import org.jspecify.annotations.Nullable;

/*
 * How one parameter of an @OnEvent method is filled from an event: with the event itself, with its
 * params() map (Python's **kwargs), or with one named parameter. Decided at registration; per
 * delivery a named slot costs a linear scan of the event's few key/value pairs plus one type check.
 *
 * Type rules for a named slot: null binds to a reference parameter and fails a primitive one; a
 * value must be an instance of the declared type, where a primitive also accepts the wrappers the
 * JLS widens to it (an Integer for a long), as Method.invoke does. The method handle performs the
 * actual unboxing and widening.
 */
final class ParamSlot {

  enum Kind {
    EVENT,
    PARAMS,
    NAMED
  }

  private final Kind kind;
  private final String name;
  private final Class<?> declared;
  private final Class<?> boxed;

  private ParamSlot(Kind kind, String name, Class<?> declared) {
    this.kind = kind;
    this.name = name;
    this.declared = declared;
    this.boxed = Primitives.box(declared);
  }

  static ParamSlot event() {
    return new ParamSlot(Kind.EVENT, "", org.jorchestrate.events.Event.class);
  }

  static ParamSlot params() {
    return new ParamSlot(Kind.PARAMS, "", java.util.Map.class);
  }

  static ParamSlot named(String name, Class<?> declared) {
    return new ParamSlot(Kind.NAMED, name, declared);
  }

  Kind kind() {
    return kind;
  }

  String name() {
    return name;
  }

  /**
   * Returns the argument for this slot.
   *
   * @throws IllegalArgumentException if the event cannot fill it; the message names the parameter
   */
  @Nullable Object resolve(EventRecord event, BoundMethod method) {
    return switch (kind) {
      case EVENT -> event;
      case PARAMS -> event.params();
      case NAMED -> namedValue(event, method);
    };
  }

  private @Nullable Object namedValue(EventRecord event, BoundMethod method) {
    Object value = event.get(name);
    if (value == null) {
      if (!declared.isPrimitive()) {
        return null;
      }
      throw notInvoked(
          event,
          method,
          (event.has(name)
                  ? "parameter '" + name + "' is null, which its "
                  : "the event has no parameter '" + name + "' for its ")
              + declared.getName()
              + " parameter; declare it "
              + boxed.getSimpleName()
              + " to accept null");
    }
    if (!boxed.isInstance(value) && !widens(value.getClass(), declared)) {
      throw notInvoked(
          event,
          method,
          "parameter '"
              + name
              + "' is a "
              + value.getClass().getName()
              + ", but the method declares "
              + declared.getName());
    }
    return value;
  }

  private static IllegalArgumentException notInvoked(
      EventRecord event, BoundMethod method, String reason) {
    return new IllegalArgumentException(
        method.describe()
            + " was not invoked for "
            + EventRecord.typeName(event.type())
            + ": "
            + reason);
  }

  /* The JLS 5.1.2 widening primitive conversions, from a wrapper's primitive to `to`. */
  private static boolean widens(Class<?> from, Class<?> to) {
    if (!to.isPrimitive()) {
      return false;
    }
    int rankFrom = rank(from);
    if (rankFrom < 0) {
      return false;
    }
    if (to == short.class) {
      return from == Byte.class;
    }
    if (to == int.class || to == long.class || to == float.class || to == double.class) {
      return rankFrom < rank(Primitives.box(to));
    }
    return false;
  }

  private static int rank(Class<?> wrapper) {
    if (wrapper == Byte.class) {
      return 0;
    }
    if (wrapper == Short.class || wrapper == Character.class) {
      return 1;
    }
    if (wrapper == Integer.class) {
      return 2;
    }
    if (wrapper == Long.class) {
      return 3;
    }
    if (wrapper == Float.class) {
      return 4;
    }
    if (wrapper == Double.class) {
      return 5;
    }
    return -1;
  }
}
