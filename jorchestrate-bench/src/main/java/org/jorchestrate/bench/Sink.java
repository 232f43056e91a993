package org.jorchestrate.bench;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Where the benchmark's listeners report a delivery, with the emission's sequence number: one sink
 * per emitting thread, so that an emitter can wait until every callback of its own emissions ran.
 * The waiter parks instead of spinning, so that on a small machine it does not take a core from the
 * consumers it waits for.
 */
public class Sink {

  private static final long GIVE_UP_NANOS = TimeUnit.SECONDS.toNanos(60);

  private final AtomicLong delivered = new AtomicLong();
  private volatile long target = Long.MAX_VALUE;
  private volatile Thread waiter;

  /**
   * Called by a listener: one delivery done.
   *
   * @param sequence the emission's sequence number
   */
  public void delivered(long sequence) {
    if (delivered.incrementAndGet() >= target) {
      Thread thread = waiter;
      if (thread != null) {
        LockSupport.unpark(thread);
      }
    }
  }

  /**
   * Waits until at least {@code count} deliveries were reported in all.
   *
   * @param count the total to wait for
   * @throws IllegalStateException if that takes over a minute: the contender lost deliveries
   */
  public void awaitDelivered(long count) {
    waiter = Thread.currentThread();
    target = count;
    long start = System.nanoTime();
    while (delivered.get() < count) {
      LockSupport.parkNanos(this, 100_000L); // woken by delivered(); the timeout is a safety net
      if (System.nanoTime() - start > GIVE_UP_NANOS) {
        throw new IllegalStateException(
            "only " + delivered.get() + " of " + count + " deliveries after a minute");
      }
    }
    target = Long.MAX_VALUE;
  }

  /**
   * Returns the deliveries reported so far.
   *
   * @return the count
   */
  public long count() {
    return delivered.get();
  }
}
