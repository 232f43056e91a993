package org.jorchestrate.events.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Queue;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jctools.queues.atomic.MpscUnboundedAtomicArrayQueue;
import org.jorchestrate.events.OverflowPolicy;
import org.jorchestrate.events.Subscription;
import org.jspecify.annotations.Nullable;

/*
 * One subscription: its queue of events and the drain that runs its callback on the executor.
 *
 * Design: the queue-drain pattern (as in RxJava's "wip" loops). Emitters offer events to a
 * lock-free MPSC queue (JCTools, the Atomic* variant, which needs no sun.misc.Unsafe), then add 1
 * to `pending`, the number of events queued and not yet accounted for by a drain. The emitter whose
 * add finds 0 schedules the drain: one executor task per activation of a subscription, not per
 * event (the Python original submits one per callback per emission). The drain reads `pending`,
 * delivers that many events (at most BATCH), subtracts them, and goes on with whatever arrived in
 * the meantime; when its subtraction leaves 0 it stops, and the next emitter schedules it again.
 * After BATCH events it resubmits itself, so that other subscriptions get a turn on a small pool.
 *
 * Why pending and not the queue's own state: JCTools publishes its producer and consumer indices
 * with lazySet (a release store), so "offer, then read a volatile status" does not pair with
 * "store IDLE, then check isEmpty()" as a Dekker handshake; a resize made poll() and isEmpty() miss
 * an offered event (found by review, reproduced). Both sides of `pending` are atomic
 * read-modify-writes, totally ordered, so exactly one of them sees the other: either the emitter
 * finds 0 and schedules, or the drain finds the event counted and delivers it. The emitter's offer
 * happens-before its add, and the drain's add reads from it, so every counted event is visible to
 * the drain's poll.
 *
 * Ordering. One drain at a time (only the emitter that moves pending from 0 schedules one, and the
 * drain that brings it back to 0 stops) and a FIFO queue give per-subscription FIFO for each
 * emitting thread; the adds on `pending` order successive drains, so each callback happens-before
 * the next one of this subscription, whichever pool thread runs it.
 *
 * Capacity. `pending` is also the subscription's load: events queued plus those of the drain's
 * current batch, until the batch ends. `capacity` bounds it softly: emitters check before adding,
 * so racing emitters may overshoot by one event each. Under BLOCK an emitter waits on `roomFreed`;
 * the drain signals after a batch if the load fell to half the capacity (hysteresis, so that
 * blocked emitters wake for a batch of room). The emitter increments `waitingEmitters` (volatile)
 * before re-reading `pending`, the drain reads it after its add: a Dekker pairing in which both
 * sides' accesses are in the synchronization order. The wait also ends on unsubscribe, on a
 * shutdown that gives up, and on interrupt. Emits from inside a callback never wait (they could wait
 * for themselves): they queue beyond the capacity. DROP_OLDEST swaps the oldest queued event for
 * the new one under a lock (EvictingQueue), leaving pending unchanged.
 *
 * Accounting. Every event handed to enqueue() ends exactly once on its EventRecord: delivered,
 * failed, or dropped (overflow, interrupted wait, abandoned shutdown). delivered/failed are written
 * only by the drain (single writer, opaque accesses); dropped by emitters and the drain (atomic).
 */
final class Mailbox implements Subscription, Target.FailureSink {

  /** Events delivered per executor task before the drain yields to other subscriptions. */
  static final int BATCH = 256;

  private static final int CHUNK = 256;

  private static final VarHandle PENDING;
  private static final VarHandle DELIVERED;
  private static final VarHandle FAILED;
  private static final VarHandle DROPPED;
  private static final VarHandle ACTIVE;
  private static final VarHandle DRAINER;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      PENDING = lookup.findVarHandle(Mailbox.class, "pending", long.class);
      DELIVERED = lookup.findVarHandle(Mailbox.class, "delivered", long.class);
      FAILED = lookup.findVarHandle(Mailbox.class, "failed", long.class);
      DROPPED = lookup.findVarHandle(Mailbox.class, "dropped", long.class);
      ACTIVE = lookup.findVarHandle(Mailbox.class, "active", boolean.class);
      DRAINER = lookup.findVarHandle(Mailbox.class, "drainer", Thread.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Engine engine;
  private final Target target;
  private final Queue<EventRecord> queue;
  private final @Nullable EvictingQueue evicting; // the same queue, under DROP_OLDEST
  private final int capacity;
  private final OverflowPolicy overflow;
  private final Runnable drainTask = this::drain;
  private final ReentrantLock roomLock = new ReentrantLock();
  private final Condition roomFreed = roomLock.newCondition();

  private volatile long pending;
  private volatile int waitingEmitters; // written only under roomLock; the drain reads it
  private volatile boolean active = true;

  @SuppressWarnings("unused") // accessed through DELIVERED, single writer: the drain
  private long delivered;

  @SuppressWarnings("unused") // accessed through FAILED, single writer: the drain
  private long failed;

  @SuppressWarnings("unused") // accessed through DROPPED, atomically: emitters and the drain
  private long dropped;

  @SuppressWarnings("unused") // accessed through DRAINER, opaque: set by the drain for diagnostics
  private @Nullable Thread drainer; // and to detect its own resubmission run inline

  private boolean ranInline; // plain: written and read by the draining thread only

  Mailbox(Engine engine, Target target, int capacity, OverflowPolicy overflow) {
    this.engine = engine;
    this.target = target;
    this.capacity = capacity;
    this.overflow = overflow;
    if (overflow == OverflowPolicy.DROP_OLDEST) {
      this.evicting = new EvictingQueue();
      this.queue = evicting;
    } else {
      this.evicting = null;
      this.queue = new MpscUnboundedAtomicArrayQueue<>(Math.min(CHUNK, Math.max(2, capacity)));
    }
  }

  Target target() {
    return target;
  }

  // ------------------------------------------------------------------ emitter side

  /** Tells whether the subscription holds its capacity; used by emit under FAIL. */
  boolean isFull() {
    return pending >= capacity;
  }

  /** Queues an event and makes sure a drain will deliver it; the event ends exactly once. */
  void enqueue(EventRecord event) {
    if (pending >= capacity && !admitOverCapacity(event)) {
      return;
    }
    queue.offer(event);
    if ((long) PENDING.getAndAdd(this, 1L) == 0) {
      engine.mailboxActivated();
      schedule();
    }
  }

  /* Applies the overflow policy; returns true to queue the event, false if it was dealt with. */
  private boolean admitOverCapacity(EventRecord event) {
    switch (overflow) {
      case BLOCK -> {
        String refusal = Engine.isCallbackThread() ? null : awaitRoom();
        if (refusal != null) {
          drop(event, refusal);
          return false;
        }
        return true;
      }
      case DROP_NEWEST -> {
        drop(event, "its queue is full (DROP_NEWEST)");
        return false;
      }
      case DROP_OLDEST -> {
        EventRecord oldest = evictingQueue().replaceOldest(event);
        if (oldest == null) {
          return true; // every pending event is in the drain's batch: nothing queued to evict
        }
        drop(oldest, "its queue is full (DROP_OLDEST)");
        return false; // swapped: the count of queued events, and so pending, is unchanged
      }
      case FAIL -> {
        return true; // emit checked every subscription before queueing anywhere; this one filled
      }
    }
    throw new AssertionError(overflow);
  }

  private EvictingQueue evictingQueue() {
    EvictingQueue queue = evicting;
    if (queue == null) {
      throw new IllegalStateException("not a DROP_OLDEST mailbox");
    }
    return queue;
  }

  /* Waits until the load is below capacity. Returns null to queue the event, or why to drop it. */
  @SuppressWarnings("NonAtomicVolatileUpdate") // waitingEmitters changes only under roomLock
  private @Nullable String awaitRoom() {
    roomLock.lock();
    try {
      waitingEmitters++;
      try {
        while (pending >= capacity) {
          if (!active) {
            return null; // unsubscribed: queue anyway; it drains, and nothing is lost
          }
          if (engine.isAbandoned()) {
            return "the shutdown gave up waiting for its full queue";
          }
          roomFreed.await();
        }
        return null;
      } finally {
        waitingEmitters--;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "the emitting thread was interrupted while waiting for room in its full queue";
    } finally {
      roomLock.unlock();
    }
  }

  /** Wakes every emitter blocked on this mailbox, to re-check its reasons to wait. */
  void wakeBlockedEmitters() {
    roomLock.lock();
    try {
      roomFreed.signalAll();
    } finally {
      roomLock.unlock();
    }
  }

  private void schedule() {
    try {
      engine.executor().execute(drainTask);
    } catch (Throwable refused) { // RejectedExecutionException, or e.g. OOM creating a thread
      engine.onExecutorFailure(this, refused);
      drainTask.run(); // caller runs: the events are still delivered (or dropped if abandoned)
    }
  }

  // ------------------------------------------------------------------ drain side

  private void drain() {
    Thread self = Thread.currentThread();
    if (DRAINER.getOpaque(this) == self) {
      // A direct executor (Runnable::run) ran our resubmission inline: recursing would grow the
      // stack by one drain per batch. Tell the outer drain to carry on instead.
      ranInline = true;
      return;
    }
    Engine previous = Engine.enterCallbackThread(engine);
    DRAINER.setOpaque(this, self); // diagnostics only
    try {
      int budget = engine.batchSize();
      long remaining = pending;
      for (; ; ) {
        long take = Math.min(remaining, budget);
        for (long i = 0; i < take; i++) {
          deliverNext();
        }
        remaining = (long) PENDING.getAndAdd(this, -take) - take;
        if (waitingEmitters != 0 && remaining <= capacity / 2) {
          wakeBlockedEmitters();
        }
        if (remaining == 0) {
          engine.mailboxIdle();
          return; // the next emitter to find pending at 0 schedules a new drain
        }
        budget -= (int) take;
        if (budget == 0) {
          if (resubmit()) {
            return; // pending > 0 throughout: the resubmitted task carries on
          }
          budget = engine.batchSize();
        }
      }
    } finally {
      DRAINER.compareAndSet(this, self, null); // unless a resubmitted drain already took over
      Engine.leaveCallbackThread(previous);
    }
  }

  private boolean resubmit() {
    if (engine.isDirect()) {
      return false;
    }
    try {
      ranInline = false;
      engine.executor().execute(drainTask);
      return !ranInline;
    } catch (Throwable refused) { // keep draining on this thread
      engine.onExecutorFailure(this, refused);
      return false;
    }
  }

  /* Delivers the next queued event; never throws, and always ends the event. */
  private void deliverNext() {
    EventRecord event = queue.poll();
    if (event == null) {
      // Cannot happen: pending counts only events whose offer completed before their count.
      engine.onInternalError(this, new IllegalStateException("pending count exceeds queue"));
      return;
    }
    if (engine.isAbandoned()) {
      drop(event, "the shutdown gave up waiting for it");
      return;
    }
    boolean returned;
    try {
      returned = target.deliver(event, this);
    } catch (Throwable internal) { // targets catch callback failures; this is a reporting failure
      returned = false;
      engine.onInternalError(this, internal);
    }
    if (returned) {
      DELIVERED.setOpaque(this, (long) DELIVERED.getOpaque(this) + 1); // single writer
      event.end(EventRecord.DELIVERED_ONE);
    } else {
      FAILED.setOpaque(this, (long) FAILED.getOpaque(this) + 1); // single writer
      event.end(EventRecord.FAILED_ONE);
    }
  }

  @Override
  public void report(Throwable failure, EventRecord event) {
    engine.reportFailure(failure, event, this);
  }

  private void drop(EventRecord event, String reason) {
    long count = (long) DROPPED.getAndAdd(this, 1L) + 1;
    event.end(EventRecord.DROPPED_ONE);
    engine.onDropped(this, event, reason, count);
  }

  // ------------------------------------------------------------------ Subscription

  @Override
  public void unsubscribe() {
    if (ACTIVE.compareAndSet(this, true, false)) {
      engine.unregister(this);
      wakeBlockedEmitters();
    }
  }

  @Override
  public void close() {
    unsubscribe();
  }

  @Override
  public boolean isActive() {
    return active && !engine.isShutdown();
  }

  @Override
  public long delivered() {
    return (long) DELIVERED.getOpaque(this); // monitoring only
  }

  @Override
  public long failed() {
    return (long) FAILED.getOpaque(this); // monitoring only
  }

  @Override
  public long dropped() {
    return (long) DROPPED.getOpaque(this); // monitoring only
  }

  @Override
  public int backlog() {
    return (int) Math.min(Integer.MAX_VALUE, pending);
  }

  /** The thread draining this mailbox now, if any; a racy read, for diagnostics. */
  @Nullable Thread drainerOpaque() {
    return (Thread) DRAINER.getOpaque(this);
  }

  @Override
  public String toString() {
    return "Subscription[" + target.describe() + "]";
  }
}
