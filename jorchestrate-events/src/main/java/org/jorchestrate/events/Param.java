package org.jorchestrate.events;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Binds a parameter of an {@link OnEvent} method to the event parameter of this name. Needed when
 * the class is compiled without {@code -parameters}, or when the event's parameter name is not the
 * Java parameter's name (as with {@code task_name} and {@code taskName}).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface Param {

  /**
   * The event parameter's name, for example {@code "task_name"} or {@code "event_time"}.
   *
   * @return a non-empty name
   */
  String value();
}
