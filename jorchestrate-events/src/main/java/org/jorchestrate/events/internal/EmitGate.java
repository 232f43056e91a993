package org.jorchestrate.events.internal;

import java.util.concurrent.atomic.AtomicLongArray;

/*
 * Counts the emits in progress so that a shutdown can tell when no emit is still queueing events:
 * the boundary between "accepted" and "refused".
 *
 * Protocol. An emit increments its stripe, then reads `closed`; if closed, it decrements and is
 * refused. Shutdown writes `closed`, then reads every stripe. All four accesses are volatile, so
 * for any emit either it sees `closed` (and is refused) or the shutdown's read of its stripe sees
 * its increment (and waits for it): an emit is never accepted unseen.
 *
 * Why a stripe's count is trustworthy when summed non-atomically: each emit increments and
 * decrements the same stripe, so every stripe stays >= 0, and an emit that increments a stripe after
 * shutdown read it must see `closed` (the read of `closed` follows its increment, which follows
 * shutdown's write). So "every stripe read 0 after closing" means no accepted emit is in progress.
 * (LongAdder is not usable here: a thread may add and subtract on different cells, which lets a
 * non-atomic sum read 0 while an emit is in progress.)
 *
 * Stripes spread concurrent emitters over separate cache lines (STRIDE longs apart) so that they do
 * not contend on one counter. The benchmark module measures whether the stride pays.
 */
final class EmitGate {

  private static final int STRIDE = 16; // 128 bytes between used cells: two cache lines
  private final AtomicLongArray cells;
  private final int mask;
  private volatile boolean closed;

  EmitGate(int stripes) {
    int size = Integer.highestOneBit(Math.max(1, stripes) * 2 - 1); // round up to a power of two
    this.mask = size - 1;
    this.cells = new AtomicLongArray(size * STRIDE);
  }

  static EmitGate forThisMachine() {
    return new EmitGate(Runtime.getRuntime().availableProcessors() * 2);
  }

  /**
   * Enters the gate.
   *
   * @return the stripe to pass to {@link #exit}, or -1 if the gate is closed (the emit is refused)
   */
  int enter() {
    int index = stripeOfCurrentThread();
    cells.getAndIncrement(index);
    if (closed) {
      cells.getAndDecrement(index);
      return -1;
    }
    return index;
  }

  /**
   * Leaves the gate.
   *
   * @return true if the gate is closed and this stripe just emptied, so the caller should check
   *     whether the shutdown can complete
   */
  boolean exit(int stripe) {
    return cells.decrementAndGet(stripe) == 0 && closed;
  }

  /** Closes the gate: every later {@link #enter} is refused. */
  void close() {
    closed = true;
  }

  boolean isClosed() {
    return closed;
  }

  /** Tells whether no accepted emit is in progress; meaningful once the gate is closed. */
  boolean isQuiescent() {
    for (int i = 0; i < cells.length(); i += STRIDE) {
      if (cells.get(i) != 0) {
        return false;
      }
    }
    return true;
  }

  private int stripeOfCurrentThread() {
    int hash = System.identityHashCode(Thread.currentThread());
    return ((hash ^ (hash >>> 16)) & mask) * STRIDE;
  }
}
