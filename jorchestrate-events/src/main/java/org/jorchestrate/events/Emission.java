package org.jorchestrate.events;

import java.time.Duration;

/**
 * What became of one call to {@code emit}: whether it was accepted, and how its deliveries ended.
 *
 * <p>An accepted emission was queued to every subscription that was registered for its event when
 * the emission started; each of those deliveries ends exactly once, as <em>delivered</em> (the
 * callback returned), <em>failed</em> (the callback threw) or <em>dropped</em> (an {@link
 * OverflowPolicy} discarded it, or a shutdown gave up on it after its grace period; both are
 * logged). The emission is <em>done</em> when all of them have ended.
 *
 * <p>An emission refused because the manager was shut down is not accepted, has no deliveries and
 * is done at once. All methods are thread-safe. The counters move as deliveries end; once {@link
 * #isDone()} returns true (or {@link #await(Duration)} returns true) they are final, and everything
 * the callbacks did happens-before that return.
 *
 * <p>Keeping or ignoring the handle costs the same: it is created with the event, and a waiting
 * structure is only allocated if someone awaits it.
 */
public interface Emission {

  /**
   * Tells whether the manager accepted this emission.
   *
   * @return false only if the manager was shut down when {@code emit} was called
   */
  boolean accepted();

  /**
   * Returns the number of subscriptions this emission was queued to.
   *
   * @return 0 if refused or if nothing was subscribed to the event
   */
  int subscribers();

  /**
   * Returns how many callbacks of this emission returned normally so far.
   *
   * @return the count of delivered callbacks
   */
  int delivered();

  /**
   * Returns how many callbacks of this emission threw so far (each was reported to the {@link
   * ErrorHandler} and logged).
   *
   * @return the count of failed callbacks
   */
  int failed();

  /**
   * Returns how many deliveries of this emission were dropped so far, by an {@link OverflowPolicy}
   * or by a shutdown that gave up after its grace period. Every drop is also logged.
   *
   * @return the count of dropped deliveries
   */
  int dropped();

  /**
   * Tells whether every delivery of this emission has ended.
   *
   * @return true once {@code delivered() + failed() + dropped() == subscribers()}
   */
  boolean isDone();

  /**
   * Waits until every delivery of this emission has ended, or the timeout elapses.
   *
   * <p><b>Must not</b> be called from a callback of a subscription this emission was queued to, with
   * a long timeout: that subscription cannot take its next event until the callback returns, so the
   * wait can only end by timing out.
   *
   * @param timeout how long to wait at most; zero or negative polls
   * @return true if the emission is done, false if the timeout elapsed first
   * @throws InterruptedException if the calling thread is interrupted while waiting
   */
  boolean await(Duration timeout) throws InterruptedException;
}
