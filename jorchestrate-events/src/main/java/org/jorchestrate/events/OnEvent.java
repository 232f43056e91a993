package org.jorchestrate.events;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method of a listener object, registered with {@link
 * EventManager#registerListener(Object)}, as the handler of one event.
 *
 * <p>The method receives only the parameters it declares, which is Java's form of the
 * specification's signature-based parameter filtering:
 *
 * <ul>
 *   <li>a parameter annotated {@link Param @Param("task_name")}, or, when the class is compiled
 *       with {@code -parameters}, a parameter named {@code task_name}, gets that event parameter
 *       ({@code null} if the emission lacks it);
 *   <li>a parameter of type {@link Event} gets the event itself;
 *   <li>an unannotated parameter of type {@code Map<String, Object>} gets {@link Event#params()},
 *       every parameter including {@code event_date} and {@code event_time} (Python's {@code
 *       **kwargs}).
 * </ul>
 *
 * <p>If an emission lacks a value for a primitive parameter, or carries a value of another type than
 * the declared one (numeric primitives accept narrower wrappers, such as an {@code Integer} for a
 * {@code long}), the method is not invoked and the delivery fails like a throwing callback, with a
 * message naming the parameter. The binding is resolved once, at registration.
 *
 * <p>The method may have any access modifier; see {@link EventManager#registerListener(Object)} for
 * what the module system requires. Its return value, if any, is ignored.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface OnEvent {

  /**
   * The enum that declares the event.
   *
   * @return the enum class
   */
  Class<? extends Enum<?>> type();

  /**
   * The name of the enum constant, exactly as declared (for example {@code "TASK_STARTED"}).
   *
   * @return the constant name
   */
  String name();
}
