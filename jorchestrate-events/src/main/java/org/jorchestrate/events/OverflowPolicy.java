package org.jorchestrate.events;

/**
 * What {@code emit} does when a subscription's queue already holds {@linkplain
 * EventManager.Builder#queueCapacity(int) its capacity} of events.
 *
 * <p>Whatever the policy, {@code emit} called from inside a callback never waits for a full queue,
 * so a callback that emits into its own manager never deadlocks; under {@link #BLOCK} such an event
 * is queued beyond the capacity instead. The capacity is a soft bound: emitters racing on the last
 * free slot may each take it, so a queue can briefly hold one event per concurrent emitter more.
 */
public enum OverflowPolicy {

  /**
   * The default: the emitter waits until the subscription has room, so nothing is lost. The wait is
   * interruptible (the event is then dropped for that subscription, counted and logged, and the
   * thread's interrupt status is set again), and it ends if the subscription is unsubscribed (the
   * event is then queued anyway) or the manager's shutdown gives up after its grace period.
   */
  BLOCK,

  /**
   * The new event is not queued to the full subscription; it is counted as dropped on the {@link
   * Emission} and the {@link Subscription}, and logged. Other subscriptions still receive it.
   */
  DROP_NEWEST,

  /**
   * The oldest queued event of the full subscription is removed to make room; it is counted as
   * dropped on its own {@link Emission} and on the {@link Subscription}, and logged.
   */
  DROP_OLDEST,

  /**
   * {@code emit} throws {@link QueueFullException} and queues the event to no subscription at all,
   * so the caller can back off and retry the whole emission.
   */
  FAIL
}
