package org.jorchestrate.events;

import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One emitted event, as its callbacks see it: the enum constant that identifies it, the named
 * parameters it was emitted with, and the moment it was emitted.
 *
 * <p>An event is immutable and the same instance is handed to every callback of one emission, on
 * whatever threads they run; it is safe to keep and to read from any thread.
 *
 * <h2>Parameters</h2>
 *
 * Besides the parameters given to {@link EventManager#emit(Enum, Object...)}, every event carries
 * the two the specification adds automatically:
 *
 * <ul>
 *   <li>{@value #EVENT_DATE}: the local date of emission in ISO format, e.g. {@code 2026-11-23};
 *   <li>{@value #EVENT_TIME}: the local time of emission in ISO format with microseconds, e.g.
 *       {@code 14:30:00.123456}.
 * </ul>
 *
 * Both are computed from {@link #timestamp()} in the time zone of the manager's {@link
 * java.time.Clock} (by default the system's zone), formatted only when first read, and then cached.
 * Unlike Python's {@code isoformat()}, the time always has six fractional digits, also when the
 * microsecond is zero, so that readers can rely on one shape.
 */
public interface Event {

  /** The name of the automatic parameter holding the ISO local date of emission. */
  String EVENT_DATE = "event_date";

  /** The name of the automatic parameter holding the ISO local time of emission. */
  String EVENT_TIME = "event_time";

  /**
   * Returns the enum constant this event was emitted as. Events are told apart by constant
   * identity: two enums with a constant of the same name are different events.
   *
   * @return the event type, never null
   */
  Enum<?> type();

  /**
   * Returns the value of a parameter, including {@value #EVENT_DATE} and {@value #EVENT_TIME}.
   *
   * @param name the parameter name
   * @return its value, or {@code null} if the event has no such parameter or carries null for it
   *     (use {@link #has(String)} to tell the two apart)
   */
  @Nullable Object get(String name);

  /**
   * Returns the value of a parameter, checked against the type the caller expects.
   *
   * @param name the parameter name
   * @param type the expected type; a primitive class stands for its wrapper
   * @param <T> the expected type
   * @return the value, or {@code null} if the event has no such parameter or carries null for it
   * @throws ClassCastException if the value is not an instance of {@code type}; the message names
   *     the parameter, the expected type and the actual type
   */
  <T> @Nullable T get(String name, Class<T> type);

  /**
   * Tells whether the event carries a parameter of this name (possibly with a null value).
   *
   * @param name the parameter name
   * @return true for the emitted parameters and for {@value #EVENT_DATE} and {@value #EVENT_TIME}
   */
  boolean has(String name);

  /**
   * Returns every parameter as an unmodifiable map, in emission order, followed by {@value
   * #EVENT_DATE} and {@value #EVENT_TIME}. This is Java's counterpart of Python's {@code
   * **kwargs}. Values may be null.
   *
   * @return an unmodifiable view; never null
   */
  Map<String, @Nullable Object> params();

  /**
   * Returns the ISO local date of emission, as in {@value #EVENT_DATE}.
   *
   * @return the date, for example {@code 2026-11-23}
   */
  String eventDate();

  /**
   * Returns the ISO local time of emission, as in {@value #EVENT_TIME}.
   *
   * @return the time with six fractional digits, for example {@code 14:30:00.123456}
   */
  String eventTime();

  /**
   * Returns the instant of emission, read once from the manager's clock when {@code emit} was
   * called.
   *
   * @return the emission instant
   */
  Instant timestamp();
}
