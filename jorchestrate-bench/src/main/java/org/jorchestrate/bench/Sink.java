package org.jorchestrate.bench;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Where the benchmark's listeners report a delivery, with the emission's sequence number: one sink
 * per emitting thread, so that an emitter can wait until every callback of its own emissions ran.
 *
 * <p>Each listener counts on a cache line of its own. A single counter shared by all listeners
 * would be the hottest write of every delivery (with ten listeners on two cores, JFR found it the
 * consumer threads' hottest frame): a cost of the harness, not of any contender, and one that
 * penalises a contender more the more it runs listeners on both cores at once. A listener's counter
 * is updated atomically, because some contenders (the naive port, greenrobot's {@code ASYNC} mode)
 * run one listener's callbacks concurrently.
 *
 * <p>The waiter parks instead of spinning, so that on a small machine it does not take a core from
 * the consumers it waits for.
 */
public class Sink {

  private static final long GIVE_UP_NANOS = TimeUnit.SECONDS.toNanos(60);

  /* Longs between two listeners' counters: 128 bytes, against adjacent-line prefetch. */
  private static final int STRIDE = 16;

  private static final VarHandle COUNTS = MethodHandles.arrayElementVarHandle(long[].class);

  private final int listeners;
  private final long[] counts; // listener i at (i + 1) * STRIDE: padded on both sides
  private volatile long target = Long.MAX_VALUE; // per listener
  private volatile Thread waiter;

  /**
   * Creates a sink for a number of listeners, each reporting with its own index.
   *
   * @param listeners how many listeners report here
   */
  public Sink(int listeners) {
    if (listeners < 1) {
      throw new IllegalArgumentException("a sink needs at least one listener, not " + listeners);
    }
    this.listeners = listeners;
    this.counts = new long[(listeners + 2) * STRIDE];
  }

  /**
   * Called by a listener: one delivery done.
   *
   * @param listener the listener's index, from 0 to the number of listeners minus one
   * @param sequence the emission's sequence number
   */
  public void delivered(int listener, long sequence) {
    long count = (long) COUNTS.getAndAdd(counts, slot(listener), 1L) + 1;
    if (count >= target) {
      Thread thread = waiter;
      if (thread != null) {
        LockSupport.unpark(thread);
      }
    }
  }

  /**
   * Waits until at least {@code count} deliveries were reported in all, the same number by each
   * listener.
   *
   * @param count the total to wait for: a multiple of the number of listeners
   * @throws IllegalStateException if that takes over a minute: the contender lost deliveries
   */
  public void awaitDelivered(long count) {
    if (count % listeners != 0) {
      throw new IllegalArgumentException(
          count + " deliveries cannot be split evenly among " + listeners + " listeners");
    }
    long perListener = count / listeners;
    waiter = Thread.currentThread();
    target = perListener;
    long start = System.nanoTime();
    while (slowest() < perListener) {
      LockSupport.parkNanos(this, 100_000L); // woken by delivered(); the timeout is a safety net
      if (System.nanoTime() - start > GIVE_UP_NANOS) {
        throw new IllegalStateException(
            "only " + count() + " of " + count + " deliveries after a minute");
      }
    }
    target = Long.MAX_VALUE;
  }

  /* Where a listener's counter is in `counts`: padded by a stride on both sides. */
  private static int slot(int listener) {
    return (listener + 1) * STRIDE;
  }

  private long slowest() {
    long slowest = Long.MAX_VALUE;
    for (int i = 0; i < listeners; i++) {
      slowest = Math.min(slowest, (long) COUNTS.getVolatile(counts, slot(i)));
    }
    return slowest;
  }

  /**
   * Returns the deliveries reported so far, by all listeners.
   *
   * @return the count
   */
  public long count() {
    long sum = 0;
    for (int i = 0; i < listeners; i++) {
      sum += (long) COUNTS.getVolatile(counts, slot(i));
    }
    return sum;
  }
}
