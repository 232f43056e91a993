package org.jorchestrate.events.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodHandles.Lookup;
import java.lang.invoke.VarHandle;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.jorchestrate.events.Emission;
import org.jorchestrate.events.ErrorHandler;
import org.jorchestrate.events.EventCallback;
import org.jorchestrate.events.EventManager;
import org.jorchestrate.events.OverflowPolicy;
import org.jorchestrate.events.QueueFullException;
import org.jorchestrate.events.Subscription;
import org.jorchestrate.events.spi.EmissionRelay;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine behind one {@code EventManager}: registry, emission path, executor and lifecycle.
 *
 * <p>Not part of the API; {@code EventManager} is its only user and documents the contracts.
 */
/*
 * The path of one emission: validate the key/value pairs (KeyValues) -> read the subscription lists
 * (SubscriberRegistry, lock-free) -> enter the EmitGate (refused if shut down) -> build one
 * EventRecord stamped once from the clock -> queue it to each Mailbox, which schedules its drain if
 * idle -> leave the gate. Emitting to an event nobody subscribed to stops after the registry read.
 *
 * Lifecycle: RUNNING -> SHUTTING_DOWN -> TERMINATED.
 *   RUNNING        emissions are accepted.
 *   SHUTTING_DOWN  the gate is closed: emissions are refused; accepted ones are still delivered.
 *   TERMINATED     the gate is quiescent (no accepted emit still queueing) and no mailbox is active
 *                  (every queued event ended): the own pool is shut down, waiters released.
 *
 * Termination is detected without polling. `activeMailboxes` counts mailboxes with a drain
 * scheduled or running; an emitter increments it when it schedules an idle mailbox (inside the
 * gate), a drain decrements it when it leaves the mailbox idle. Once the gate is closed and
 * quiescent nothing increments it, so its reaching 0 is final. Whoever makes either condition true
 * (the last gate exit, the last idle mailbox, or shutdown itself) calls tryTerminate, which checks
 * both; the volatile write-then-read on each side means the last of them sees the other's write.
 *
 * Giving up. shutdown(true) waits at most the shutdown timeout. Then it sets `abandoned`: drains drop
 * (and count) what they hold instead of delivering it, blocked emitters are woken to drop their
 * event, the own pool is shut down now (interrupting stuck callbacks) and the drains it never ran
 * are run here, dropping their events. A callback that ignores the interrupt keeps its daemon
 * thread, which is logged by name; the engine terminates when it returns.
 */
public final class Engine {

  private static final Logger LOG = LoggerFactory.getLogger("org.jorchestrate.events.EventManager");
  private static final ThreadLocal<Engine> CALLBACK_ENGINE = new ThreadLocal<>();

  /* Drains watching their queue, across all engines of the JVM; see startSpinning. */
  private static final AtomicInteger SPINNING_DRAINS = new AtomicInteger();
  private static final int MAX_SPINNING_DRAINS =
      Runtime.getRuntime().availableProcessors() / 2; // none on one core: it would only wait

  /** How many failures of one subscription are logged in full before the log thins out. */
  static final int LOGGED_IN_FULL = 10;

  private static final int RUNNING = 0;
  private static final int SHUTTING_DOWN = 1;
  private static final int TERMINATED = 2;

  private static final VarHandle STATE;
  private static final VarHandle ABANDONED;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      STATE = lookup.findVarHandle(Engine.class, "state", int.class);
      ABANDONED = lookup.findVarHandle(Engine.class, "abandoned", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final String name;
  private final Executor executor;
  private final @Nullable ThreadPoolExecutor ownPool;
  private final boolean direct;
  private final int batchSize;
  private final long idleSpinNanos;
  private final int queueCapacity;
  private final OverflowPolicy overflow;
  private final @Nullable ErrorHandler errorHandler;
  private final Clock clock;
  private final Duration shutdownTimeout;

  private final SubscriberRegistry registry = new SubscriberRegistry();
  private final Shapes shapes;
  private final Set<Mailbox> subscriptions = ConcurrentHashMap.newKeySet();
  private final EmitGate gate = EmitGate.forThisMachine();
  private final AtomicInteger activeMailboxes = new AtomicInteger();
  private final CountDownLatch terminated = new CountDownLatch(1);
  private final AtomicLong refused = new AtomicLong();
  private final AtomicLong executorFailures = new AtomicLong();

  private volatile int state = RUNNING;
  private volatile @Nullable EmissionRelay relay;
  private volatile boolean abandoned;

  private Engine(EngineConfig config) {
    this.name = config.name();
    this.queueCapacity = config.queueCapacity();
    this.overflow = config.overflow();
    this.errorHandler = config.errorHandler();
    this.clock = config.clock();
    this.shapes = new Shapes(config.clock().getZone());
    this.shutdownTimeout = config.shutdownTimeout();
    Executor supplied = config.executor();
    if (config.synchronous()) {
      this.executor = Runnable::run;
      this.ownPool = null;
      this.direct = true;
    } else if (supplied != null) {
      this.executor = supplied;
      this.ownPool = null;
      this.direct = false;
    } else {
      ThreadPoolExecutor pool =
          new ThreadPoolExecutor(
              config.workers(),
              config.workers(),
              60,
              TimeUnit.SECONDS,
              new LinkedBlockingQueue<>(),
              new WorkerThreadFactory(name));
      pool.allowCoreThreadTimeOut(true);
      this.executor = pool;
      this.ownPool = pool;
      this.direct = false;
    }
    this.batchSize = direct ? Integer.MAX_VALUE : Mailbox.BATCH;
    this.idleSpinNanos = direct ? 0 : config.idleSpin().toNanos();
  }

  private static volatile @Nullable Function<EventManager, Engine> access;

  /**
   * Lets EventManager hand out its engine to the spi package without a public accessor.
   *
   * @param accessor reads a manager's engine
   */
  public static void grantAccess(Function<EventManager, Engine> accessor) {
    access = accessor;
  }

  /**
   * Returns the engine of a manager.
   *
   * @param manager the manager
   * @return its engine
   */
  public static Engine of(EventManager manager) {
    Function<EventManager, Engine> accessor = access;
    if (accessor == null) {
      throw new IllegalStateException("EventManager is not initialised");
    }
    return accessor.apply(manager);
  }

  /**
   * Creates and starts an engine.
   *
   * @param config the validated settings
   * @return a running engine
   */
  public static Engine start(EngineConfig config) {
    Engine engine = new Engine(config);
    if (config.shutdownHook()) {
      ShutdownHooks.register(engine);
    }
    return engine;
  }

  // ------------------------------------------------------------------ registration

  /**
   * Registers a callback for one event.
   *
   * @param type the event
   * @param callback the callback
   * @return its subscription
   */
  public Subscription registerEvent(Enum<?> type, EventCallback callback) {
    return register(new CallbackTarget(callback, List.of(type)));
  }

  /**
   * Registers a callback for every event.
   *
   * @param callback the callback
   * @return its subscription
   */
  public Subscription registerAll(EventCallback callback) {
    return register(new CallbackTarget(callback, List.of()));
  }

  /**
   * Binds and registers a listener object.
   *
   * @param listener the listener
   * @param lookup access to its methods, or null
   * @return its subscription
   */
  public Subscription registerListener(Object listener, @Nullable Lookup lookup) {
    return register(ListenerBinder.bind(listener, lookup));
  }

  private Subscription register(Target target) {
    Mailbox mailbox = new Mailbox(this, target, queueCapacity, overflow);
    if (isShutdown()) {
      LOG.warn(
          "{}: {} was registered after shutdown; it will receive nothing", name, mailbox);
      mailbox.unsubscribe();
      return mailbox;
    }
    subscriptions.add(mailbox); // first, so that a shutdown giving up can always find it
    List<Enum<?>> types = target.types();
    if (types.isEmpty()) {
      registry.addWildcard(mailbox);
    } else {
      for (int i = 0; i < types.size(); i++) {
        try {
          registry.add(types.get(i), mailbox);
        } catch (RuntimeException tooMany) {
          for (int j = 0; j < i; j++) {
            registry.remove(types.get(j), mailbox);
          }
          subscriptions.remove(mailbox);
          throw tooMany;
        }
      }
    }
    return mailbox;
  }

  void unregister(Mailbox mailbox) {
    List<Enum<?>> types = mailbox.target().types();
    if (types.isEmpty()) {
      registry.removeWildcard(mailbox);
    } else {
      for (Enum<?> type : types) {
        registry.remove(type, mailbox);
      }
    }
    subscriptions.remove(mailbox);
  }

  // ------------------------------------------------------------------ emission

  /**
   * Emits an event without parameters.
   *
   * @param type the event
   * @return the emission
   */
  public Emission emit(Enum<?> type) {
    return dispatch(shapes.of(type), null, null);
  }

  /**
   * Emits an event with one parameter.
   *
   * @param type the event
   * @param key its name
   * @param value its value
   * @return the emission
   */
  public Emission emit(Enum<?> type, @Nullable Object key, @Nullable Object value) {
    return dispatch(shapes.of(type, key), value, null);
  }

  /**
   * Emits an event with two parameters.
   *
   * @param type the event
   * @param key0 the first name
   * @param value0 the first value
   * @param key1 the second name
   * @param value1 the second value
   * @return the emission
   */
  public Emission emit(
      Enum<?> type,
      @Nullable Object key0,
      @Nullable Object value0,
      @Nullable Object key1,
      @Nullable Object value1) {
    return dispatch(shapes.of(type, key0, key1), value0, value1);
  }

  /**
   * Emits an event with key/value pairs.
   *
   * @param type the event
   * @param keyValues alternating keys and values
   * @return the emission
   */
  public Emission emit(Enum<?> type, @Nullable Object @Nullable [] keyValues) {
    @Nullable Object[] pairs = KeyValues.checkPairs(type, keyValues);
    return dispatchPairs(shapes.ofPairs(type, pairs), pairs);
  }

  /**
   * Emits an event with a parameter map.
   *
   * @param type the event
   * @param params the parameters
   * @return the emission
   */
  public Emission emit(Enum<?> type, Map<String, ?> params) {
    @Nullable Object[] pairs = KeyValues.fromMap(type, params);
    return dispatchPairs(shapes.ofPairs(type, pairs), pairs);
  }

  /**
   * Emits an event that was emitted elsewhere, keeping its original timestamp and local date and
   * time; never relayed.
   *
   * @param type the event
   * @param params the parameters
   * @param timestamp the original instant
   * @param eventDate the original event_date
   * @param eventTime the original event_time
   * @return the emission
   */
  public Emission emitRemote(
      Enum<?> type,
      Map<String, ? extends @Nullable Object> params,
      Instant timestamp,
      String eventDate,
      String eventTime) {
    @Nullable Object[] pairs = KeyValues.fromMap(type, params);
    Shape shape = shapes.ofPairs(type, pairs);
    Mailbox[] subscribers = registry.subscribers(type);
    Mailbox[] wildcards = registry.wildcards();
    int count = subscribers.length + wildcards.length;
    if (count == 0) {
      return state == RUNNING ? Emissions.NO_SUBSCRIBERS : refuse(type);
    }
    EventRecord event = new EventRecord(shape, value0(pairs), value1(pairs), timestamp, count);
    event.presetLocal(eventDate, eventTime);
    return dispatch(type, subscribers, wildcards, event, null, null);
  }

  /* Emits with the values of a validated key/value array (see value0 and value1). */
  private Emission dispatchPairs(Shape shape, @Nullable Object[] pairs) {
    return dispatch(shape, value0(pairs), value1(pairs));
  }

  /* What an EventRecord keeps of a key/value array: up to two values inline, else the array. */
  private static @Nullable Object value0(@Nullable Object[] pairs) {
    return pairs.length == 0 ? null : pairs.length <= 4 ? pairs[1] : pairs;
  }

  private static @Nullable Object value1(@Nullable Object[] pairs) {
    return pairs.length == 4 ? pairs[3] : null;
  }

  /**
   * Installs the relay of local emissions.
   *
   * @param relay the relay
   * @throws IllegalStateException if one is installed
   */
  public synchronized void installRelay(EmissionRelay relay) {
    if (this.relay != null) {
      throw new IllegalStateException(
          name + " already has a relay (" + this.relay + "); close it before installing another");
    }
    this.relay = relay;
  }

  /**
   * Removes the relay if it is the installed one.
   *
   * @param relay the relay
   */
  public synchronized void uninstallRelay(EmissionRelay relay) {
    if (this.relay == relay) {
      this.relay = null;
    }
  }

  private Emission dispatch(Shape shape, @Nullable Object value0, @Nullable Object value1) {
    Enum<?> type = shape.type;
    Mailbox[] subscribers = registry.subscribers(type);
    Mailbox[] wildcards = registry.wildcards();
    int count = subscribers.length + wildcards.length;
    EmissionRelay relay = this.relay;
    if (relay != null && !relay.relays(type)) {
      relay = null;
    }
    if (count == 0 && relay == null) {
      return state == RUNNING ? Emissions.NO_SUBSCRIBERS : refuse(type);
    }
    EventRecord event = new EventRecord(shape, value0, value1, clock.instant(), count);
    Object token = null;
    if (relay != null) {
      token = relay.check(event); // may refuse the emission: nothing is queued yet
    }
    return dispatch(type, subscribers, wildcards, event, relay, token);
  }

  private Emission dispatch(
      Enum<?> type,
      Mailbox[] subscribers,
      Mailbox[] wildcards,
      EventRecord event,
      @Nullable EmissionRelay relay,
      @Nullable Object token) {
    int count = subscribers.length + wildcards.length;
    int stripe = gate.enter();
    if (stripe < 0) {
      tryTerminate(); // this refused emit may have been the last one in the gate
      return refuse(type);
    }
    try {
      if (overflow == OverflowPolicy.FAIL) {
        requireRoom(type, subscribers);
        requireRoom(type, wildcards);
      }
      int queued = 0;
      try {
        for (; queued < count; queued++) {
          Mailbox mailbox = at(subscribers, wildcards, queued);
          if (overflow == OverflowPolicy.BLOCK && queued > 0 && !mailbox.hasRoom()) {
            // It may block: first start the drains of the subscriptions already offered to, so
            // that a full one delays only itself.
            activate(subscribers, wildcards, queued);
          }
          mailbox.offer(event);
        }
      } catch (Throwable failure) { // an Error such as OutOfMemoryError while queueing
        for (int i = queued; i < count; i++) {
          event.end(EventRecord.DROPPED_ONE); // never queued: end them so the emission completes
        }
        activate(subscribers, wildcards, queued);
        throw failure;
      }
      activate(subscribers, wildcards, count);
      if (relay != null) {
        relayAccepted(relay, event, token);
      }
      return event;
    } finally {
      if (gate.exit(stripe)) {
        tryTerminate();
      }
    }
  }

  private void relayAccepted(EmissionRelay relay, EventRecord event, @Nullable Object token) {
    try {
      relay.relay(event, token);
    } catch (RuntimeException | LinkageError e) { // the local delivery stands
      LOG.error("{}: the relay {} failed to take {}", name, relay, event, e);
    }
  }

  private static Mailbox at(Mailbox[] subscribers, Mailbox[] wildcards, int index) {
    return index < subscribers.length
        ? subscribers[index]
        : wildcards[index - subscribers.length];
  }

  /*
   * One full fence for the whole emission, then each of the first `count` subscriptions makes sure
   * a drain runs. Activating one twice is harmless (it is already scheduled).
   */
  private static void activate(Mailbox[] subscribers, Mailbox[] wildcards, int count) {
    VarHandle.fullFence(); // the offers before the status reads: see Mailbox's class comment
    for (int i = 0; i < count; i++) {
      at(subscribers, wildcards, i).activate();
    }
  }

  private void requireRoom(Enum<?> type, Mailbox[] mailboxes) {
    for (Mailbox mailbox : mailboxes) {
      if (mailbox.isFull()) {
        throw new QueueFullException(
            "emit("
                + EventRecord.typeName(type)
                + ") refused under OverflowPolicy.FAIL: the queue of "
                + mailbox
                + " holds its capacity of "
                + queueCapacity
                + " events; nothing was queued. Retry later, raise queueCapacity, or choose"
                + " another OverflowPolicy");
      }
    }
  }

  private Emission refuse(Enum<?> type) {
    long count = refused.incrementAndGet();
    if (Long.bitCount(count) == 1) {
      LOG.warn(
          "{}: emit({}) was refused because the manager is shut down; nothing was delivered ({}"
              + " refused so far)",
          name,
          EventRecord.typeName(type),
          count);
    } else {
      LOG.debug("{}: emit({}) refused after shutdown", name, EventRecord.typeName(type));
    }
    return Emissions.REFUSED;
  }

  // ------------------------------------------------------------------ services for mailboxes

  Executor executor() {
    return executor;
  }

  boolean isDirect() {
    return direct;
  }

  int batchSize() {
    return batchSize;
  }

  /** The longest a caught-up drain watches its queue (the builder's idleSpin); 0 for never. */
  long idleSpinNanos() {
    return idleSpinNanos;
  }

  /**
   * Tells whether other drains may be waiting for a worker, so that a busy drain should hand over
   * after its batch. Exact for the own pool (its work queue); for a supplied executor, unknown, so
   * always true.
   */
  boolean othersWaiting() {
    return ownPool == null || ownPoolHasQueuedDrains();
  }

  /**
   * Tells whether drains wait in the own pool's queue for a worker; false with a supplied
   * executor, whose queue the engine cannot see.
   */
  boolean ownPoolHasQueuedDrains() {
    ThreadPoolExecutor pool = ownPool;
    return pool != null && !pool.getQueue().isEmpty();
  }

  /*
   * Claims one of the spinning places: at most one drain per two cores (none on one core) watches
   * its queue at a time, across all the engines of the JVM, so that spinning never takes more than
   * half the machine from the emitters and other work. Returns false if none is free; a true must
   * be followed by stopSpinning().
   */
  static boolean startSpinning() {
    for (int now = SPINNING_DRAINS.get(); now < MAX_SPINNING_DRAINS; now = SPINNING_DRAINS.get()) {
      if (SPINNING_DRAINS.compareAndSet(now, now + 1)) {
        return true;
      }
    }
    return false;
  }

  static void stopSpinning() {
    SPINNING_DRAINS.decrementAndGet();
  }

  boolean isAbandoned() {
    return abandoned;
  }

  void mailboxActivated() {
    activeMailboxes.incrementAndGet();
  }

  void mailboxIdle() {
    if (activeMailboxes.decrementAndGet() == 0 && state != RUNNING) {
      tryTerminate();
    }
  }

  /**
   * Tells whether the calling thread runs a callback of this engine.
   *
   * @return true inside one of its callbacks
   */
  public boolean isCallbackThreadOfThis() {
    return CALLBACK_ENGINE.get() == this;
  }

  static boolean isCallbackThread() {
    return CALLBACK_ENGINE.get() != null;
  }

  static @Nullable Engine enterCallbackThread(Engine engine) {
    Engine previous = CALLBACK_ENGINE.get();
    CALLBACK_ENGINE.set(engine);
    return previous;
  }

  static void leaveCallbackThread(@Nullable Engine previous) {
    // set, not remove: a null value keeps the thread's map entry, so that the next drain on this
    // thread does not allocate a new one (the entry holds no engine then)
    CALLBACK_ENGINE.set(previous);
  }

  /*
   * Logs a callback failure and hands it to the error handler; never throws. The log is rate-limited
   * per subscription (the first LOGGED_IN_FULL failures, then the 2^k-th ones, each saying how many
   * there were): a callback failing on every event must not flood the log. The handler gets every
   * failure.
   */
  void reportFailure(Throwable failure, EventRecord event, Mailbox mailbox, long failuresSoFar) {
    try {
      if (failuresSoFar <= LOGGED_IN_FULL || Long.bitCount(failuresSoFar) == 1) {
        String suppressed =
            failuresSoFar <= LOGGED_IN_FULL
                ? ""
                : " (failure " + failuresSoFar + " of this subscription; logged at powers of two)";
        if (failure instanceof VirtualMachineError) {
          LOG.error(
              "{}: {} threw a VirtualMachineError on {}; the JVM may be unstable{}",
              name,
              mailbox,
              event,
              suppressed,
              failure);
        } else {
          LOG.error("{}: {} failed on {}{}", name, mailbox, event, suppressed, failure);
        }
      } else {
        LOG.debug("{}: {} failed on {}", name, mailbox, event, failure);
      }
    } catch (Throwable loggingFailed) {
      // The logger itself failed (out of memory, a broken appender); the failure is still counted
      // and handed to the handler below, and nothing else can be reported safely.
    }
    ErrorHandler handler = errorHandler;
    if (handler != null) {
      try {
        handler.onError(failure, event, mailbox);
      } catch (Throwable handlerFailure) {
        try {
          LOG.error(
              "{}: the ErrorHandler threw while handling a failure of {}; ignored",
              name,
              mailbox,
              handlerFailure);
        } catch (Throwable loggingFailed) {
          // As above: nothing more can be reported safely.
        }
      }
    }
  }

  void onDropped(Mailbox mailbox, EventRecord event, String reason, long droppedSoFar) {
    try {
      logDropped(mailbox, event, reason, droppedSoFar);
    } catch (Throwable loggingFailed) {
      // The drop is counted on the emission and the subscription; the log line is lost.
    }
  }

  private void logDropped(Mailbox mailbox, EventRecord event, String reason, long droppedSoFar) {
    if (Long.bitCount(droppedSoFar) == 1) {
      LOG.warn(
          "{}: dropped {} for {}: {} ({} dropped from it so far; logged at powers of two)",
          name,
          event,
          mailbox,
          reason,
          droppedSoFar);
    } else {
      LOG.debug("{}: dropped {} for {}: {}", name, event, mailbox, reason);
    }
  }

  void onExecutorFailure(Mailbox mailbox, Throwable refused) {
    long count = executorFailures.incrementAndGet();
    if (!abandoned && Long.bitCount(count) == 1) {
      LOG.warn(
          "{}: the executor did not take the drain of {}; running it on the calling thread ({} so"
              + " far)",
          name,
          mailbox,
          count,
          refused);
    }
  }

  void onInternalError(Mailbox mailbox, Throwable internal) {
    try {
      LOG.error("{}: internal error while draining {}; it carries on", name, mailbox, internal);
    } catch (Throwable loggingFailed) {
      // Nothing more can be reported; the drain carries on and the event is counted as failed.
    }
  }

  // ------------------------------------------------------------------ lifecycle

  /**
   * Starts a shutdown and, with {@code wait}, waits for it within the shutdown timeout.
   *
   * @param wait whether to wait
   */
  public void shutdown(boolean wait) {
    if (STATE.compareAndSet(this, RUNNING, SHUTTING_DOWN)) {
      gate.close();
      ShutdownHooks.unregister(this);
      LOG.debug("{}: shutting down", name);
      tryTerminate();
    }
    if (!wait) {
      return;
    }
    if (CALLBACK_ENGINE.get() == this) {
      LOG.debug("{}: shutdown(true) called from its own callback; not waiting for itself", name);
      return;
    }
    awaitOrAbandon(System.nanoTime() + Durations.saturatedNanos(shutdownTimeout));
  }

  /**
   * Waits until the deadline for termination, then gives up on what is still pending.
   *
   * @param deadline in {@link System#nanoTime()} terms
   */
  void awaitOrAbandon(long deadline) {
    try {
      if (awaitUntil(deadline)) {
        return;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      LOG.warn(
          "{}: interrupted while waiting for the shutdown; accepted emissions are still being"
              + " delivered in the background",
          name);
      return;
    }
    abandon();
  }

  private boolean awaitUntil(long deadline) throws InterruptedException {
    if (!terminated.await(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
      return false;
    }
    ThreadPoolExecutor pool = ownPool;
    return pool == null || pool.awaitTermination(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
  }

  /**
   * Waits for termination.
   *
   * @param timeout at most this long
   * @return true if terminated
   * @throws InterruptedException if interrupted
   */
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    long nanos = Durations.saturatedNanos(timeout);
    long deadline = System.nanoTime() + Math.min(nanos, Long.MAX_VALUE / 2);
    return awaitUntil(deadline);
  }

  private void tryTerminate() {
    if (state != SHUTTING_DOWN
        || !gate.isClosed()
        || !gate.isQuiescent()
        || activeMailboxes.get() != 0
        || !STATE.compareAndSet(this, SHUTTING_DOWN, TERMINATED)) {
      return;
    }
    ThreadPoolExecutor pool = ownPool;
    if (pool != null) {
      pool.shutdown();
    }
    terminated.countDown();
    LOG.debug("{}: terminated", name);
  }

  private void abandon() {
    if (!ABANDONED.compareAndSet(this, false, true)) {
      return;
    }
    List<String> pending = new ArrayList<>();
    for (Mailbox mailbox : subscriptions) {
      int backlog = mailbox.backlog();
      if (backlog > 0) {
        pending.add(mailbox + " with " + backlog + " queued");
      }
      mailbox.wakeBlockedEmitters();
    }
    List<String> stuck = new ArrayList<>();
    for (Mailbox mailbox : subscriptions) {
      Thread thread = mailbox.drainerOpaque();
      if (thread != null) {
        StackTraceElement[] stack = thread.getStackTrace();
        stuck.add(
            mailbox + " in thread " + thread.getName() + (stack.length > 0 ? " at " + stack[0] : ""));
      }
    }
    ThreadPoolExecutor pool = ownPool;
    LOG.warn(
        "{}: shutdown gave up after {}: dropping the events still queued ({}); callbacks still"
            + " running, whose threads are interrupted now: {}",
        name,
        shutdownTimeout,
        pending.isEmpty() ? "none left" : String.join(", ", pending),
        stuck.isEmpty() ? "none known" : String.join(", ", stuck));
    if (pool != null) {
      for (Runnable neverRun : pool.shutdownNow()) {
        neverRun.run(); // a drain that never got a thread: with `abandoned` set, it drops and counts
      }
    }
    tryTerminate();
  }

  /**
   * Tells whether a shutdown has started.
   *
   * @return true after shutdown
   */
  public boolean isShutdown() {
    return state != RUNNING;
  }

  /**
   * Tells whether the engine terminated.
   *
   * @return true once terminated
   */
  public boolean isTerminated() {
    ThreadPoolExecutor pool = ownPool;
    return state == TERMINATED && (pool == null || pool.isTerminated());
  }

  Duration shutdownTimeout() {
    return shutdownTimeout;
  }

  @Override
  public String toString() {
    String lifecycle =
        state == RUNNING ? "running" : state == SHUTTING_DOWN ? "shutting down" : "terminated";
    return "EventManager[" + name + ", " + lifecycle + ", " + subscriptions.size() + " subscriptions]";
  }
}
