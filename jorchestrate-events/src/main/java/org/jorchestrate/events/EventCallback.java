package org.jorchestrate.events;

/**
 * A callback registered with {@link EventManager#registerEvent(Enum, EventCallback)} or {@link
 * EventManager#registerAll(EventCallback)}.
 *
 * <p>It runs on one of the manager's worker threads (on the emitting thread only in the builder's
 * {@linkplain EventManager.Builder#synchronous() synchronous mode}). The callbacks of one
 * subscription never run concurrently with each other, so a callback needs no synchronization for
 * state it alone touches.
 */
@FunctionalInterface
public interface EventCallback {

  /**
   * Handles one event.
   *
   * <p>Anything thrown, checked exception or {@link Error}, is caught by the manager: logged,
   * counted as a failed delivery, and handed to the {@link ErrorHandler}. It affects neither the
   * other subscriptions nor the next events of this one.
   *
   * @param event the event; the same instance is seen by every callback of the emission
   * @throws Exception to report a failure
   */
  void onEvent(Event event) throws Exception;
}
