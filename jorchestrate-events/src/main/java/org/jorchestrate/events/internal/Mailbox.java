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
 * Design. Emitters offer events to a lock-free MPSC queue (JCTools, the Atomic* variant, which
 * needs no sun.misc.Unsafe); at most one drain runs at a time, guarded by `status`:
 *
 *   IDLE       no drain is scheduled or running; the queue was seen empty after the last one.
 *   SCHEDULED  a drain is submitted to the executor or running, and owns the consumer side.
 *
 * An emitter that queued an event and sees IDLE CASes to SCHEDULED and submits the drain: one
 * executor task per activation of a subscription, not per event (the Python original submits one
 * per callback per emission). The drain delivers events; when the queue is empty it spins for a
 * while (adaptive, from 5 µs up to the builder's idleSpin, 50 µs by default; zero turns it off;
 * see MIN_SPIN_NANOS) watching for more, so that a stream of emissions finds it still SCHEDULED
 * and needs no executor hand-off (waking a parked worker costs microseconds, milliseconds on a
 * busy machine), then stores IDLE, re-checks the queue, and takes the status back with a CAS if an
 * event arrived. While it watches, it looks at the queue only every LOOK_NANOS, and at most one
 * drain per two cores of the JVM watches at a time (Engine.startSpinning); the watch ends early
 * when other drains wait for a worker, the subscription is cancelled or the engine shuts down.
 * Watching a fast stream, it stays a few dozen events behind the newest, off the lines the
 * emitters are writing (lookAt holds the rule).
 * After BATCH events, if other subscriptions wait for a worker, it resubmits itself, staying
 * SCHEDULED, so that they get a turn. A drain re-activated after going idle does the same once
 * before it starts, if other drains wait (deferStart): it then reads lines the emitter has
 * finished writing.
 *
 * No lost wake-up. Emitter: offer, full fence, read `status` (the engine offers an emission to all
 * its subscriptions, then fences once, then activates them). Drain: volatile store of IDLE (a
 * StoreLoad barrier), then read the queue's producer index through isEmpty(). By the fences, at
 * least one sees the other: the emitter sees IDLE and schedules, or the drain sees the event. The
 * fence matters: JCTools publishes the producer index with a lazySet while the queue grows a chunk,
 * and without it the emitter's read of `status` could pass that store, so both missed each other
 * (found by review, reproduced; MailboxRaceRegressionTest). A CAS per activation and a fence per
 * event, rather than an atomic add per event on a line the drain also writes, keep the emitter's
 * cost close to the queue's own CAS.
 *
 * Ordering. One consumer at a time and a FIFO queue give per-subscription FIFO for each emitting
 * thread. The status CAS and store order successive drains, so each callback happens-before the
 * next one of this subscription, whichever pool thread runs it.
 *
 * Capacity. `capacity` is a soft bound checked before offering (against a cached limit, see
 * producerLimit); racing emitters may overshoot it by one event each. Under BLOCK an emitter waits on `roomFreed`. It increments
 * `waitingEmitters` (volatile) before re-checking the size; the drain reads `waitingEmitters` after
 * each poll and signals once the queue fell to half its capacity (hysteresis: blocked emitters wake
 * for a batch of room), and reads it again after storing IDLE (a StoreLoad barrier), so a waiter
 * that a poll's lazily published consumer index hid is found at the latest when the drain goes idle.
 * A trailing drain leaves at most a quarter of the capacity queued, and trails not at all while an
 * emitter waits, so that it cannot keep the queue above the half (see lookAt).
 * The wait also ends on unsubscribe, on a shutdown that gives up, and on interrupt. Emits from
 * inside a callback never wait (they could wait for themselves): they queue beyond the capacity.
 * DROP_OLDEST swaps the oldest queued event for the new one under a lock (EvictingQueue).
 *
 * Interrupts. A callback that interrupts its thread (or is interrupted, and does not clear the
 * flag) must not fail the next callbacks of the drain, which would see the flag in their first
 * blocking call. After each callback the drain clears a flag that was not set when it started, as
 * ThreadPoolExecutor does between tasks; a flag set on entry (the pool is being shut down) is left
 * alone. On a direct executor the drain runs on the emitter's thread, so a cleared flag is set
 * again when the drain returns: the emitter still learns of the interrupt.
 *
 * Accounting. Every event handed to offer() ends exactly once on its EventRecord: delivered,
 * failed, or dropped (overflow, interrupted wait, abandoned shutdown). delivered/failed are written
 * only by the drain (single writer, opaque accesses); dropped by emitters and the drain (atomic).
 */
final class Mailbox extends MailboxFields implements Subscription, Target.FailureSink {

  static final int IDLE = 0;
  static final int SCHEDULED = 1;

  /** Events delivered per executor task before the drain yields to other subscriptions. */
  static final int BATCH = 256;

  private static final int CHUNK = 256;

  /*
   * How often a drain that caught up looks at its queue's next slot. Each look reads the cache line
   * the emitters are writing; looking continuously would pull it away from them after every event
   * (a cross-core transfer costs 200 ns on the 2-core VM the benchmarks ran on), while looking
   * every few microseconds lets them fill whole lines, which the drain then takes in one go. It
   * delays an event that arrives while the drain watches by at most this much, unless the drain
   * trails a fast stream (lookAt).
   */
  static final long LOOK_NANOS = 5_000;

  /*
   * How long a drain that caught up watches for a new event before it lets the mailbox go idle.
   * Adaptive per subscription, between MIN_SPIN_NANOS (one look) and the engine's idleSpinNanos
   * (the builder's idleSpin; zero never watches, and a watch ends at most one look after its
   * time): each activation that follows an idle period measures the gap since the drain caught
   * up. A gap the longest watch would have bridged sets the watch to twice that gap (a steady
   * stream, where waking a parked worker per event would cost far more), but at least half the
   * previous watch, so that one short gap does not undo it; a longer gap halves it (sparse events,
   * where watching only burns a core that other work may need).
   */
  static final long MIN_SPIN_NANOS = LOOK_NANOS;

  /* The most events a watching drain stays behind a fast stream (see lookAt). */
  static final long MAX_TRAIL_EVENTS = 64;

  /*
   * takeBeforeLook's value when the drain may take all it finds. pollNext counts it down like any
   * other, harmlessly: nothing compares against it but zero, which it would reach only after
   * Long.MAX_VALUE events.
   */
  static final long TAKE_ALL = Long.MAX_VALUE;

  /*
   * Events arriving since the previous look that make a stream fast enough to trail: 8 per 5 µs
   * look is 1.6 M events per second. Slower streams (the latency benchmarks' 100 k/s and 1 M/s)
   * are taken as they come.
   */
  static final long FAST_STREAM_EVENTS = 8;

  /*
   * Fast looks in a row before a drain trails: 4 looks, 20 µs or more. A burst shorter than that
   * (the latency benchmark's 100 events every 100 µs at 1 M/s) is taken as it comes: trailing it
   * would hold its first events until it ends (with an idleSpin of 10 ms, p50 at 1 M/s went from
   * 1.5 µs to 14-18 µs), while a stream that lasts is where the emitter's speed is at stake.
   */
  static final int FAST_LOOKS_TO_TRAIL = 4;
  private static final long INITIAL_SPIN_NANOS = 10_000;

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
  private final @Nullable MpscUnboundedAtomicArrayQueue<EventRecord> mpsc; // the same queue, or
  private final @Nullable EvictingQueue evicting; // the same queue, under DROP_OLDEST
  private final int capacity;
  private final long maxTrail; // see lookAt
  private final OverflowPolicy overflow;
  private final Runnable drainTask = this::drain;
  private final ReentrantLock roomLock = new ReentrantLock();
  private final Condition roomFreed = roomLock.newCondition();

  private volatile boolean active = true;

  @SuppressWarnings("unused") // accessed through DROPPED, atomically: emitters and the drain
  private long dropped;

  private static final VarHandle PRODUCER_LIMIT;

  static {
    try {
      PRODUCER_LIMIT =
          MethodHandles.lookup()
              .findVarHandle(Mailbox.class, "producerLimit", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  Mailbox(Engine engine, Target target, int capacity, OverflowPolicy overflow) {
    this.engine = engine;
    this.target = target;
    this.capacity = capacity;
    this.maxTrail = maxTrailFor(capacity);
    this.overflow = overflow;
    this.spinNanos = Math.min(INITIAL_SPIN_NANOS, engine.idleSpinNanos());
    if (overflow == OverflowPolicy.DROP_OLDEST) {
      this.evicting = new EvictingQueue();
      this.mpsc = null;
      this.queue = evicting;
    } else {
      this.evicting = null;
      this.mpsc = new MpscUnboundedAtomicArrayQueue<>(Math.min(CHUNK, Math.max(2, capacity)));
      this.queue = mpsc;
    }
  }

  Target target() {
    return target;
  }

  // ------------------------------------------------------------------ emitter side

  /** Tells whether the subscription holds its capacity; used by emit under FAIL. */
  boolean isFull() {
    return !hasRoom();
  }

  /*
   * Whether the queue holds fewer than `capacity` events, mostly without reading the consumer's
   * index (see producerLimit).
   */
  boolean hasRoom() {
    MpscUnboundedAtomicArrayQueue<EventRecord> fast = mpsc;
    if (fast == null) {
      return queue.size() < capacity;
    }
    long produced = fast.currentProducerIndex();
    if (produced < (long) PRODUCER_LIMIT.getOpaque(this)) {
      return true;
    }
    long limit = fast.currentConsumerIndex() + capacity;
    PRODUCER_LIMIT.setOpaque(this, limit);
    return produced < limit;
  }

  /**
   * Queues an event, or deals with it under the overflow policy; the event ends exactly once. The
   * caller <b>must</b> then issue a full fence and call {@link #activate()}, which makes sure a
   * drain will deliver it (one fence serves all the subscriptions of an emission).
   */
  void offer(EventRecord event) {
    if (!hasRoom() && !admitOverCapacity(event)) {
      return;
    }
    queue.offer(event); // unbounded, or under DROP_OLDEST a deque: always accepts
  }

  /** Schedules a drain if none is; called after offer() and a full fence (see the class comment). */
  void activate() {
    if (status == IDLE && STATUS.compareAndSet(this, IDLE, SCHEDULED)) {
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
          return true; // the drain emptied it meanwhile: queue normally
        }
        drop(oldest, "its queue is full (DROP_OLDEST)");
        return false; // swapped in: the queue was not empty, so a drain is scheduled
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
    if (deferStart()) {
      return; // still SCHEDULED: the resubmitted task drains
    }
    Engine previous = Engine.enterCallbackThread(engine);
    DRAINER.setOpaque(this, self); // diagnostics only
    adaptSpin();
    takeBeforeLook = TAKE_ALL; // a drain takes all it finds until it watches a fast stream
    fastLooks = 0;
    boolean interruptedOnEntry = self.isInterrupted();
    boolean callbackInterrupted = false;
    try {
      int budget = engine.batchSize();
      for (; ; ) {
        EventRecord event = pollNext();
        if (event == null) {
          event = awaitMore();
        }
        if (event == null) {
          if (!queue.isEmpty()) {
            Thread.onSpinWait(); // an offer is half done (the queue is growing a chunk)
            continue;
          }
          status = IDLE; // a StoreLoad barrier before the re-checks below
          if (waitingEmitters != 0) {
            wakeBlockedEmitters();
          }
          if (queue.isEmpty() || !STATUS.compareAndSet(this, IDLE, SCHEDULED)) {
            engine.mailboxIdle();
            return; // the next emitter to find IDLE schedules a new drain
          }
          continue;
        }
        deliver(event);
        if (!interruptedOnEntry && self.isInterrupted()) {
          Thread.interrupted(); // see "Interrupts" in the class comment
          callbackInterrupted = true;
        }
        if (waitingEmitters != 0 && queue.size() <= capacity / 2) {
          wakeBlockedEmitters();
        }
        if (--budget == 0) {
          budget = engine.batchSize();
          if (!queue.isEmpty() && engine.othersWaiting() && handOver()) {
            return; // still SCHEDULED: the resubmitted task carries on
          }
        }
      }
    } finally {
      DRAINER.compareAndSet(this, self, null); // unless a resubmitted drain already took over
      Engine.leaveCallbackThread(previous);
      if (callbackInterrupted && engine.isDirect()) {
        self.interrupt(); // the emitter's own thread: give the callback's interrupt back to it
      }
    }
  }

  /*
   * The next event the drain may take now, or null if it caught up or trails a fast stream as
   * closely as it may (see lookAt). Under DROP_OLDEST takeBeforeLook stays TAKE_ALL.
   */
  private @Nullable EventRecord pollNext() {
    if (takeBeforeLook == 0) {
      return null; // trailing a fast stream: look again first
    }
    takeBeforeLook--;
    return pollQueue();
  }

  /*
   * The queue's next event, if any. relaxedPoll reads only the next slot; poll would also read the
   * producer index, a line every emit writes, each time the drain finds the queue empty.
   */
  private @Nullable EventRecord pollQueue() {
    MpscUnboundedAtomicArrayQueue<EventRecord> fast = mpsc;
    return fast != null ? fast.relaxedPoll() : queue.poll();
  }

  /*
   * The drain caught up, or trails a fast stream as closely as it may: watches briefly for a new
   * event before letting the mailbox go, if it gets one of the engine's spinning places and no
   * other drain waits for a worker. It looks every LOOK_NANOS (see look()). Whenever the watch
   * ends without an event it may take, it takes whatever is queued, trailing no longer.
   */
  private @Nullable EventRecord awaitMore() {
    long now = System.nanoTime();
    caughtUpAt = now;
    MpscUnboundedAtomicArrayQueue<EventRecord> fast = mpsc;
    if (fast != null && takeBeforeLook != 0) {
      producedAtLook = fast.currentConsumerIndex(); // caught up: nothing arrived since
    }
    long watch = spinNanos;
    if (watch == 0 || !keepsWatching() || !Engine.startSpinning()) {
      return takeAny(); // no watch configured (or a direct executor), or spinning would hold a
      // worker, or a core, that other work needs
    }
    try {
      long deadline = now + watch;
      long lookEvery = Math.min(LOOK_NANOS, watch); // a watch shorter than a look is one look
      do {
        long nextLook = now + lookEvery;
        do {
          Thread.onSpinWait();
          now = System.nanoTime();
        } while (now < nextLook);
        EventRecord event = look();
        if (event != null) {
          return event;
        }
      } while (now < deadline && keepsWatching());
      return takeAny();
    } finally {
      Engine.stopSpinning();
    }
  }

  /*
   * One look of a watch: the next event, or null if the queue is empty or the drain keeps its
   * distance from a fast stream. It reads the producer index, a line the emitters write, once per
   * look, not once per event.
   */
  private @Nullable EventRecord look() {
    MpscUnboundedAtomicArrayQueue<EventRecord> fast = mpsc;
    if (fast == null) {
      return pollQueue(); // DROP_OLDEST: never trails
    }
    lookAt(fast.currentProducerIndex(), fast.currentConsumerIndex());
    return pollNext();
  }

  /*
   * The trailing rule, applied at a look that read the queue's producer and consumer indexes: sets
   * how many events the drain may take before its next look (takeBeforeLook).
   *
   * Why. A drain reading right behind the emitter (the event objects, allocated one after the
   * other, and the queue's slots) takes each line away from the emitter while it still writes next
   * to it, and the hardware's prefetchers take the next lines too; each must travel back for the
   * emitter's next write. On the 2-core VM of the benchmarks, with its two CPUs far apart (a cache
   * line's round trip of 490-660 ns), one listener ran at 3.8-5.0 M emissions/s following closely
   * and at 9.9-10.5 M trailing, and at about 10 M either way with the CPUs sharing a cache
   * (docs/benchmark-changes.md, "A drain that trails a fast stream").
   *
   * The rule. A stream is fast when FAST_STREAM_EVENTS or more arrived since the previous look,
   * FAST_LOOKS_TO_TRAIL looks in a row (a look's gap includes any deliveries before it, so a
   * stream the drain is busy with counts as fast for longer). On a fast stream the drain takes
   * events only up to min(maxTrail, twice this look's arrivals) behind the newest, and looks again
   * for the rest. maxTrail is MAX_TRAIL_EVENTS and at most a quarter of the capacity (none below
   * a capacity of 4): the trailed events count against the capacity, so under FAIL and
   * DROP_NEWEST they take up to a quarter of the room new events have. It takes all that is
   * queued when the stream slowed or stopped (a stopped stream goes whole at the first look that
   * sees no fast arrivals, at most two looks after it stopped), when the watch ends (awaitMore),
   * and while an emitter waits for room under BLOCK: a drain that trails while another emitter
   * keeps the stream fast would never let the queue fall to the half at which waiting emitters are
   * woken. What trailing adds to an event's latency: a few looks, never beyond the watch's end.
   */
  void lookAt(long produced, long consumed) {
    long arrived = produced - producedAtLook;
    producedAtLook = produced;
    if (arrived < FAST_STREAM_EVENTS) {
      fastLooks = 0;
    } else if (fastLooks < FAST_LOOKS_TO_TRAIL) {
      fastLooks++; // stops counting at the threshold: a stream may stay fast for hours
    }
    if (fastLooks < FAST_LOOKS_TO_TRAIL || maxTrail == 0 || waitingEmitters != 0) {
      takeBeforeLook = TAKE_ALL;
    } else {
      takeBeforeLook = Math.max(0, produced - consumed - Math.min(maxTrail, 2 * arrived));
    }
  }

  /* The most events a drain trails by, with this capacity: see lookAt. */
  static long maxTrailFor(int capacity) {
    return Math.min(MAX_TRAIL_EVENTS, capacity / 4);
  }

  /* Ends any trailing and takes the next event, if one is queued. */
  private @Nullable EventRecord takeAny() {
    takeBeforeLook = TAKE_ALL;
    return pollQueue();
  }

  /* Whether a watch may go on: no other drain waits for a worker, subscribed, not shutting down. */
  private boolean keepsWatching() {
    return !engine.othersWaiting() && active && !engine.isShutdown();
  }

  /*
   * Called as a drain starts: sets the watch from the gap between the moment the previous drain
   * caught up and this activation (see MIN_SPIN_NANOS). A drain resubmitted by handOver did not go
   * idle and has nothing to measure.
   */
  private void adaptSpin() {
    long since = caughtUpAt;
    if (since == 0) {
      return; // first activation, or a hand-over
    }
    caughtUpAt = 0;
    long gap = System.nanoTime() - since;
    long max = engine.idleSpinNanos();
    long spin = spinNanos;
    if (gap <= max) {
      spin = Math.max(2 * gap, spin / 2);
    } else {
      spin = spin / 2;
    }
    spinNanos = Math.min(max, Math.max(MIN_SPIN_NANOS, spin));
  }

  /*
   * Called as a drain starts: a subscription re-activated after going idle, while other drains
   * wait for a worker of the own pool, lets them run first (once) and keeps its SCHEDULED status
   * meanwhile. Started at once, it would read the queue's newest slots while the emitter is still
   * writing next to them, and each line it read would have to travel back to the emitter for its
   * next write. On the 2-core VM of the benchmarks, with its two CPUs far apart (a cache line's
   * round trip of 450-650 ns), ten listeners ran faster this way in 10 of 12 alternations, the
   * emitting thread's CPU per emission falling by a third; with the CPUs sharing a cache they ran
   * about 6 % slower (docs/benchmark-changes.md). With a free worker (no drain waiting) a drain
   * starts at once, so latency is unchanged there; with the pool saturated, a re-activated
   * subscription waits one more turn. It defers once: handOver clears caughtUpAt, so the
   * resubmitted drain starts at once, and has no gap to adapt its watch to, like any drain
   * resubmitted after a batch. Returns true if the drain was resubmitted.
   */
  private boolean deferStart() {
    if (caughtUpAt == 0 || !engine.ownPoolHasQueuedDrains()) {
      return false; // first activation, a hand-over (a deferred start too), or no drain waits
    }
    return handOver();
  }

  /* Resubmits the drain so that other subscriptions get a turn; false to carry on here. */
  private boolean handOver() {
    if (engine.isDirect()) {
      return false;
    }
    try {
      ranInline = false;
      caughtUpAt = 0; // the resubmitted drain did not go idle: nothing for adaptSpin to measure
      engine.executor().execute(drainTask);
      return !ranInline;
    } catch (Throwable refused) { // keep draining on this thread
      engine.onExecutorFailure(this, refused);
      return false;
    }
  }

  /* Delivers one event; never throws, and always ends the event. */
  private void deliver(EventRecord event) {
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
    engine.reportFailure(failure, event, this, ++failuresReported);
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
    return queue.size();
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
