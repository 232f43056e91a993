package org.jorchestrate.events;

/**
 * Receives every failure of a callback, after the manager has logged it (the log itself is
 * rate-limited per subscription; the handler is not).
 *
 * <p>The manager calls it on the worker thread that ran the failed callback, once per failure,
 * before that subscription takes its next event. Failures include everything a callback throws
 * ({@link Error}s too, such as {@link StackOverflowError}) and a listener method that could not be
 * invoked because the event lacked a primitive parameter or carried a value of the wrong type.
 *
 * <p>A handler <b>must not</b> block for long: it holds up its subscription. If the handler itself
 * throws, that is logged and otherwise ignored; the worker thread carries on.
 */
@FunctionalInterface
public interface ErrorHandler {

  /**
   * Handles the failure of one delivery.
   *
   * @param error what the callback threw, or the binding failure of a listener method
   * @param event the event being delivered
   * @param subscription the subscription whose callback failed
   */
  void onError(Throwable error, Event event, Subscription subscription);
}
