package org.jorchestrate.events;

/**
 * A handle on one registration: a callback, a listener object, or a wildcard.
 *
 * <p>Each subscription has its own bounded queue. Events emitted from one thread reach it in
 * emission order, and its callbacks never run concurrently with each other; different
 * subscriptions run in parallel, so a slow one delays only itself.
 *
 * <p>All methods are thread-safe. The counters are estimates for monitoring: each is exact once
 * the deliveries it counts have ended, but reading several of them is not an atomic snapshot.
 */
public interface Subscription extends AutoCloseable {

  /**
   * Stops this subscription from receiving emissions that start after this call returns.
   *
   * <p>Events already queued to it are still delivered (an accepted emission is never lost), so its
   * callback may run a few more times after this returns; await their {@link Emission}s to wait for
   * them. Idempotent, and safe to call from any thread, including from the subscription's own
   * callback.
   */
  void unsubscribe();

  /**
   * Same as {@link #unsubscribe()}, so that a subscription can be scoped with try-with-resources.
   */
  @Override
  void close();

  /**
   * Tells whether this subscription still receives new emissions.
   *
   * @return false once {@link #unsubscribe()} was called or its manager shut down
   */
  boolean isActive();

  /**
   * Returns how many of its callbacks returned normally.
   *
   * @return an estimate for monitoring
   */
  long delivered();

  /**
   * Returns how many of its callbacks threw.
   *
   * @return an estimate for monitoring
   */
  long failed();

  /**
   * Returns how many events meant for it were dropped by an {@link OverflowPolicy} or by a shutdown
   * that gave up after its grace period.
   *
   * @return an estimate for monitoring
   */
  long dropped();

  /**
   * Returns how many events wait in its queue, not counting the one its callback may be running
   * for. This is what its {@linkplain EventManager.Builder#queueCapacity(int) queue capacity}
   * bounds.
   *
   * @return an estimate for monitoring
   */
  int backlog();
}
