package org.jorchestrate.events.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Queue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jctools.queues.atomic.MpmcAtomicArrayQueue;
import org.jctools.queues.atomic.MpscUnboundedAtomicArrayQueue;
import org.jorchestrate.events.OverflowPolicy;
import org.jorchestrate.events.Subscription;
import org.jspecify.annotations.Nullable;

/*
 * One subscription: its queue of events and the drain that runs its callback on the executor.
 *
 * Design. Emitters offer events to a lock-free queue (JCTools, the Atomic* variants, which need no
 * sun.misc.Unsafe); at most one drain runs at a time, guarded by `status`:
 *
 *   IDLE      no drain is scheduled or running; the queue was seen empty after the last one.
 *   SCHEDULED a drain is submitted to the executor or running, and owns the consumer side.
 *
 * An emitter that queues an event and sees IDLE CASes to SCHEDULED and submits the drain: one
 * executor task per activation of a subscription, not per event (the Python original submits one
 * per callback per emission). The drain delivers up to BATCH events, then, if more wait, resubmits
 * itself so that other subscriptions get a turn on a small pool, keeping SCHEDULED throughout.
 *
 * No lost wake-up. When the drain finds the queue empty it stores IDLE, then re-checks the queue,
 * and takes the status back with a CAS if an event arrived. An emitter offers (a CAS on the queue's
 * producer index), then reads the status. Volatile on both sides, so at least one of them sees the
 * other's write: either the emitter sees IDLE and schedules, or the drain sees the event. Both
 * seeing each other is harmless: only one CAS from IDLE wins.
 *
 * Ordering. One consumer at a time and a FIFO queue give per-subscription FIFO for each emitting
 * thread. The status CAS and store order successive drains, so each callback happens-before the
 * next one of this subscription, whichever pool thread runs it.
 *
 * Capacity. `capacity` is a soft bound checked with queue.size() before offering; racing emitters
 * may overshoot it by one event each. Under BLOCK an emitter waits on `roomFreed`; the drain
 * signals when the queue has fallen to half its capacity (hysteresis, so that blocked emitters wake
 * for a batch of room rather than one slot at a time). The emitter increments `waitingEmitters`
 * before re-checking the size and the drain reads it after each poll: the same Dekker pairing as
 * above, and the emitter's wait is also woken by unsubscribe and by a shutdown that gives up, and
 * interruptible. Emits from inside a callback never wait (they could wait for themselves): they
 * queue beyond the capacity. DROP_OLDEST needs to remove from the head while emitters offer, so it
 * uses a bounded MPMC queue instead of the MPSC one.
 *
 * Accounting. Every event handed to enqueue() ends exactly once on its EventRecord: delivered,
 * failed, or dropped (overflow, interrupted wait, abandoned shutdown). delivered/failed are written
 * only by the drain (single writer, opaque accesses); dropped by emitters and the drain (atomic).
 */
final class Mailbox implements Subscription, Target.FailureSink {

  private static final int IDLE = 0;
  private static final int SCHEDULED = 1;

  /** Events delivered per executor task before the drain yields to other subscriptions. */
  static final int BATCH = 256;

  private static final int CHUNK = 256;

  private static final VarHandle STATUS;
  private static final VarHandle DELIVERED;
  private static final VarHandle FAILED;
  private static final VarHandle DROPPED;
  private static final VarHandle ACTIVE;
  private static final VarHandle DRAINER;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      STATUS = lookup.findVarHandle(Mailbox.class, "status", int.class);
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
  private final int capacity;
  private final OverflowPolicy overflow;
  private final Runnable drainTask = this::drain;
  private final ReentrantLock roomLock = new ReentrantLock();
  private final Condition roomFreed = roomLock.newCondition();

  private volatile int status = IDLE;
  private volatile int waitingEmitters; // written under roomLock, read by the drain
  private volatile boolean active = true;

  @SuppressWarnings("unused") // accessed through DELIVERED, single writer: the drain
  private long delivered;

  @SuppressWarnings("unused") // accessed through FAILED, single writer: the drain
  private long failed;

  @SuppressWarnings("unused") // accessed through DROPPED, atomically: emitters and the drain
  private long dropped;

  @SuppressWarnings("unused") // accessed through DRAINER, opaque: only read to report stuck threads
  private @Nullable Thread drainer;

  Mailbox(Engine engine, Target target, int capacity, OverflowPolicy overflow) {
    this.engine = engine;
    this.target = target;
    this.capacity = capacity;
    this.overflow = overflow;
    this.queue =
        overflow == OverflowPolicy.DROP_OLDEST
            ? new MpmcAtomicArrayQueue<>(Math.max(2, capacity))
            : new MpscUnboundedAtomicArrayQueue<>(Math.min(CHUNK, Math.max(2, capacity)));
  }

  Target target() {
    return target;
  }

  // ------------------------------------------------------------------ emitter side

  /** Tells whether the queue is at capacity; used by emit under FAIL before queueing anything. */
  boolean isFull() {
    return queue.size() >= capacity;
  }

  /** Queues an event and makes sure a drain will deliver it; the event ends exactly once. */
  void enqueue(EventRecord event) {
    if (queue.size() >= capacity) {
      switch (overflow) {
        case BLOCK:
          if (!Engine.isCallbackThread()) {
            String refusal = awaitRoom();
            if (refusal != null) {
              drop(event, refusal);
              return;
            }
          }
          break;
        case DROP_NEWEST:
          drop(event, "its queue is full (DROP_NEWEST)");
          return;
        case DROP_OLDEST:
          evictOldest();
          break;
        case FAIL:
          break; // emit checked every queue before queueing anywhere; this one filled since
      }
    }
    while (!queue.offer(event)) {
      evictOldest(); // only the bounded DROP_OLDEST queue refuses an offer
    }
    if (status == IDLE && STATUS.compareAndSet(this, IDLE, SCHEDULED)) {
      engine.mailboxActivated();
      schedule();
    }
  }

  private void evictOldest() {
    EventRecord oldest = queue.poll();
    if (oldest != null) {
      drop(oldest, "its queue is full (DROP_OLDEST)");
    }
  }

  /* Waits until the queue has room. Returns null to queue the event, or why it must be dropped. */
  private @Nullable String awaitRoom() {
    roomLock.lock();
    try {
      waitingEmitters++;
      try {
        while (queue.size() >= capacity) {
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
    } catch (RejectedExecutionException rejected) {
      engine.onRejected(this, rejected);
      drainTask.run(); // caller runs: the events are still delivered (or dropped if abandoned)
    }
  }

  // ------------------------------------------------------------------ drain side

  private void drain() {
    Engine previous = Engine.enterCallbackThread(engine);
    DRAINER.setOpaque(this, Thread.currentThread()); // diagnostics only
    try {
      int budget = engine.batchSize();
      for (; ; ) {
        EventRecord event = queue.poll();
        if (event == null) {
          status = IDLE;
          if (queue.isEmpty() || !STATUS.compareAndSet(this, IDLE, SCHEDULED)) {
            engine.mailboxIdle();
            return;
          }
          continue;
        }
        if (waitingEmitters != 0 && queue.size() <= capacity / 2) {
          wakeBlockedEmitters();
        }
        deliver(event);
        if (--budget == 0) {
          budget = engine.batchSize();
          if (!queue.isEmpty() && resubmit()) {
            return; // still SCHEDULED: the resubmitted task carries on
          }
        }
      }
    } catch (Throwable internal) {
      // Only an engine bug (or an Error while logging) gets here: callbacks' failures are caught
      // in deliver. Release the mailbox so that it does not stay SCHEDULED with nobody draining.
      // The same idle protocol as above, so the active-mailbox count stays exact.
      engine.onInternalError(this, internal);
      status = IDLE;
      if (queue.isEmpty() || !STATUS.compareAndSet(this, IDLE, SCHEDULED)) {
        engine.mailboxIdle();
      } else if (!resubmit()) {
        status = IDLE;
        engine.mailboxIdle(); // nowhere to run: the next enqueue schedules it again
      }
    } finally {
      DRAINER.setOpaque(this, null);
      Engine.leaveCallbackThread(previous);
    }
  }

  private boolean resubmit() {
    if (engine.isDirect()) {
      return false;
    }
    try {
      engine.executor().execute(drainTask);
      return true;
    } catch (RejectedExecutionException rejected) {
      return false; // keep draining on this thread
    }
  }

  private void deliver(EventRecord event) {
    if (engine.isAbandoned()) {
      drop(event, "the shutdown gave up waiting for it");
      return;
    }
    if (target.deliver(event, this)) {
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

  /** The thread draining this mailbox now, if any; a racy read, for diagnostics. */
  @Nullable Thread drainerOpaque() {
    return (Thread) DRAINER.getOpaque(this);
  }

  @Override
  public int backlog() {
    return queue.size();
  }

  @Override
  public String toString() {
    return "Subscription[" + target.describe() + "]";
  }
}
