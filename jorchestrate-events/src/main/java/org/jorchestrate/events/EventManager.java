package org.jorchestrate.events;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import java.lang.invoke.MethodHandles;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import org.jorchestrate.events.internal.Engine;
import org.jorchestrate.events.internal.EngineConfig;
import org.jspecify.annotations.Nullable;

/**
 * A registry of callbacks keyed by enum constants, and the engine that delivers emitted events to
 * them asynchronously: the Java counterpart of PyOrchestrate's {@code EventManager}.
 *
 * <pre>{@code
 * enum MyEvents { TASK_STARTED, TASK_COMPLETED }
 *
 * try (EventManager events = new EventManager()) {
 *   events.registerEvent(MyEvents.TASK_STARTED,
 *       e -> log.info("Task {} started at {}", e.get("task_name"), e.eventTime()));
 *   events.emit(MyEvents.TASK_STARTED, "task_name", "data_processing");
 * } // close() waits until every accepted emission was delivered
 * }</pre>
 *
 * <h2>Events</h2>
 *
 * An event is identified by an enum constant, compared by identity: {@code AgentEvent.STARTED} and
 * {@code OrchestratorEvent.STARTED} are different events. An emission carries named parameters,
 * given as key/value pairs or a map, plus the {@code event_date} and {@code event_time} the manager
 * adds (see {@link Event}). Every callback of one emission sees the same immutable {@link Event}.
 *
 * <h2>Delivery</h2>
 *
 * <ul>
 *   <li><b>Asynchronous.</b> {@code emit} queues the event to every subscription registered for it
 *       and returns; callbacks run on the manager's executor, never on the emitting thread (except
 *       in {@linkplain Builder#synchronous() synchronous mode}). {@code emit} blocks only under
 *       {@link OverflowPolicy#BLOCK}, while a subscription's queue is full.
 *   <li><b>Ordering.</b> Each subscription receives the events emitted by one thread in emission
 *       order, and its callbacks never run concurrently. Different subscriptions run in parallel and
 *       in no defined order relative to each other; events emitted by different threads have no
 *       defined order.
 *   <li><b>Visibility.</b> Everything the emitting thread did before {@code emit} happens-before the
 *       callbacks of that emission, and each callback happens-before the next one of its
 *       subscription.
 *   <li><b>Isolation.</b> A callback that throws (also an {@link Error}) is logged through SLF4J
 *       with the event, the subscription and the stack trace, counted, and handed to the {@link
 *       ErrorHandler}; the other callbacks and the next events are unaffected and no worker thread
 *       dies. The log is rate-limited per subscription: its first 10 failures are logged, then the
 *       16th, 32nd, 64th and so on, each with the count (the others at debug level); the handler
 *       and the counters see every one. A slow callback delays only its own subscription, up to
 *       its queue's capacity. A callback that leaves its thread interrupted does not disturb the
 *       next callbacks: the flag is cleared after it returns, as a thread pool does between tasks
 *       (on a {@link Builder#synchronous() synchronous} manager it is set again on the emitting
 *       thread when {@code emit} returns).
 *   <li><b>Nothing lost.</b> An emission is either refused (only after shutdown, with a warning) or
 *       accepted, and then every subscription it was queued to gets it exactly once. Events are
 *       dropped only under a dropping {@link OverflowPolicy}, which is never the default, or by a
 *       shutdown that gave up after its grace period; every drop is counted on the {@link Emission}
 *       and the {@link Subscription} and logged.
 * </ul>
 *
 * <h2>Defaults</h2>
 *
 * {@code new EventManager()} runs callbacks on its own pool of daemon threads named {@code
 * jorchestrate-events-N}, at most {@value #DEFAULT_MAX_WORKERS_CAP} and by default the number of
 * processors plus 4 (Python's {@code ThreadPoolExecutor} rule), created on demand and retired after
 * a minute idle. Each subscription queues up to {@value #DEFAULT_QUEUE_CAPACITY} events under
 * {@link OverflowPolicy#BLOCK}. A worker that has caught up with a subscription spins up to 50 µs
 * for its next event before it returns to the pool ({@link Builder#idleSpin}). A shutdown waits at
 * most 30 seconds. The manager registers itself with one process-wide JVM shutdown hook, which
 * shuts down the managers still running when the JVM exits (the specification's {@code atexit}).
 * See {@link Builder} for every setting.
 *
 * <h2>Lifecycle</h2>
 *
 * {@link #shutdown()} stops accepting emissions and returns once every accepted emission was
 * delivered, or its grace period elapsed. After that, {@code emit} logs a warning naming the event
 * and delivers nothing; it does not throw. All methods are thread-safe, and shutdown may race with
 * emission: each emission is then either accepted and delivered, or refused.
 */
public final class EventManager implements AutoCloseable {

  /** The default capacity of each subscription's queue, in events. */
  public static final int DEFAULT_QUEUE_CAPACITY = 16_384;

  /** The most worker threads the default pool gets when the count is not set. */
  public static final int DEFAULT_MAX_WORKERS_CAP = 32;

  private final Engine engine;

  /** Creates a manager with the default settings described above. */
  public EventManager() {
    this(builder().config());
  }

  /**
   * Creates a manager whose own pool has at most {@code maxWorkers} threads, as Python's {@code
   * EventManager(max_workers=...)}.
   *
   * @param maxWorkers the most callbacks that run at the same time, at least 1
   * @throws IllegalArgumentException if {@code maxWorkers} is less than 1
   */
  public EventManager(int maxWorkers) {
    this(builder().workers(maxWorkers).config());
  }

  static {
    Engine.grantAccess(manager -> manager.engine);
  }

  private EventManager(EngineConfig config) {
    this.engine = Engine.start(config);
  }

  /**
   * Returns a builder for a manager with settings other than the defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Registers a callback for one event, the counterpart of Python's {@code register_event}.
   *
   * <p>The callback receives the emissions of {@code type} that start after this method returns. It
   * may be registered any number of times; each registration is its own subscription. If the
   * manager is shut down, a warning is logged and the returned subscription is inactive.
   *
   * @param type the event, an enum constant
   * @param callback what to run for each event
   * @return the subscription, to unsubscribe or monitor it
   */
  @CanIgnoreReturnValue
  public Subscription registerEvent(Enum<?> type, EventCallback callback) {
    Objects.requireNonNull(type, "type must not be null: pass the enum constant of the event");
    Objects.requireNonNull(callback, "callback must not be null");
    return engine.registerEvent(type, callback);
  }

  /**
   * Registers a callback that receives every event emitted on this manager, whatever its type: for
   * logging, history and bridges. It behaves like any other subscription (own queue, FIFO per
   * emitting thread, isolation).
   *
   * @param callback what to run for each event
   * @return the subscription
   */
  @CanIgnoreReturnValue
  public Subscription registerAll(EventCallback callback) {
    Objects.requireNonNull(callback, "callback must not be null");
    return engine.registerAll(callback);
  }

  /**
   * Registers every method of {@code listener} annotated with {@link OnEvent}, as one subscription:
   * its methods never run concurrently with each other and see the events emitted by one thread in
   * emission order. Parameters are bound as {@link OnEvent} describes, once, here.
   *
   * <p>To reach methods that are not public, the manager needs access to the listener's class. On
   * the class path it always has it. For a class in a named module, either open its package to
   * module {@code org.jorchestrate.events}, or call {@link #registerListener(Object,
   * MethodHandles.Lookup)} with the module's own lookup.
   *
   * @param listener an object with at least one {@link OnEvent} method
   * @return one subscription covering all its methods
   * @throws IllegalArgumentException if the listener has no {@link OnEvent} method, names a constant
   *     its enum does not have, has a parameter that cannot be bound, or a method that cannot be
   *     accessed; the message says which method and how to fix it
   */
  @CanIgnoreReturnValue
  public Subscription registerListener(Object listener) {
    Objects.requireNonNull(listener, "listener must not be null");
    return engine.registerListener(listener, null);
  }

  /**
   * Like {@link #registerListener(Object)}, but reaches the listener's methods through the given
   * lookup, for listeners in named modules that do not open their package: pass {@code
   * MethodHandles.lookup()} from inside that module.
   *
   * @param listener an object with at least one {@link OnEvent} method
   * @param lookup a lookup with access to the listener's methods
   * @return one subscription covering all its methods
   * @throws IllegalArgumentException as for {@link #registerListener(Object)}
   */
  @CanIgnoreReturnValue
  public Subscription registerListener(Object listener, MethodHandles.Lookup lookup) {
    Objects.requireNonNull(listener, "listener must not be null");
    Objects.requireNonNull(lookup, "lookup must not be null");
    return engine.registerListener(listener, lookup);
  }

  /**
   * Emits an event without parameters; its callbacks still receive {@code event_date} and {@code
   * event_time}.
   *
   * @param type the event, an enum constant
   * @return what became of the emission; ignoring it is fine
   * @throws QueueFullException under {@link OverflowPolicy#FAIL}, if a subscription's queue is full;
   *     nothing is emitted then
   */
  @CanIgnoreReturnValue
  public Emission emit(Enum<?> type) {
    Objects.requireNonNull(type, "type must not be null: pass the enum constant of the event");
    return engine.emit(type);
  }

  /**
   * Emits an event with one parameter: {@code emit(MyEvents.TASK_STARTED, "task_name", "x")}. The
   * same as the {@linkplain #emit(Enum, Object...) key/value form}, without allocating its array.
   *
   * @param type the event, an enum constant
   * @param key the parameter's name
   * @param value its value; may be null
   * @return what became of the emission; ignoring it is fine
   * @throws IllegalArgumentException if the key is null, empty, or the reserved {@code
   *     event_date}/{@code event_time}; nothing is emitted then
   * @throws QueueFullException under {@link OverflowPolicy#FAIL}, if a subscription's queue is full;
   *     nothing is emitted then
   */
  @CanIgnoreReturnValue
  public Emission emit(Enum<?> type, String key, @Nullable Object value) {
    Objects.requireNonNull(type, "type must not be null: pass the enum constant of the event");
    return engine.emit(type, key, value);
  }

  /**
   * Emits an event with two parameters: {@code emit(MyEvents.TASK_DONE, "task_name", "x",
   * "duration", 1.5)}. The same as the {@linkplain #emit(Enum, Object...) key/value form}, without
   * allocating its array.
   *
   * @param type the event, an enum constant
   * @param key1 the first parameter's name
   * @param value1 its value; may be null
   * @param key2 the second parameter's name
   * @param value2 its value; may be null
   * @return what became of the emission; ignoring it is fine
   * @throws IllegalArgumentException if a key is null, empty, or the reserved {@code
   *     event_date}/{@code event_time}, or if both keys are equal; nothing is emitted then
   * @throws QueueFullException under {@link OverflowPolicy#FAIL}, if a subscription's queue is full;
   *     nothing is emitted then
   */
  @CanIgnoreReturnValue
  public Emission emit(
      Enum<?> type, String key1, @Nullable Object value1, String key2, @Nullable Object value2) {
    Objects.requireNonNull(type, "type must not be null: pass the enum constant of the event");
    return engine.emit(type, key1, value1, key2, value2);
  }

  /**
   * Emits an event with parameters given as key/value pairs, the counterpart of Python's {@code
   * emit(event, task_name="x")}: {@code emit(MyEvents.TASK_STARTED, "task_name", "x")}.
   *
   * <p>With more than two pairs, the array is kept by the event, not copied: when passing an
   * explicit array rather than varargs, it <b>must not</b> be modified afterwards. Emissions with
   * up to two parameters are cheaper through {@link #emit(Enum, String, Object)} and {@link
   * #emit(Enum, String, Object, String, Object)}, which Java picks for such calls by itself.
   *
   * @param type the event, an enum constant
   * @param keyValues alternating {@code String} keys and values; values may be null
   * @return what became of the emission; ignoring it is fine
   * @throws IllegalArgumentException if the pairs are malformed: an odd count, a null, empty or
   *     non-String key, a duplicate key, or the reserved {@code event_date}/{@code event_time}.
   *     Nothing is emitted then.
   * @throws QueueFullException under {@link OverflowPolicy#FAIL}, if a subscription's queue is full;
   *     nothing is emitted then
   */
  @CanIgnoreReturnValue
  public Emission emit(Enum<?> type, @Nullable Object... keyValues) {
    Objects.requireNonNull(type, "type must not be null: pass the enum constant of the event");
    return engine.emit(type, keyValues);
  }

  /**
   * Emits an event with parameters given as a map, iterated once, in its own order.
   *
   * @param type the event, an enum constant
   * @param params the parameters; values may be null
   * @return what became of the emission
   * @throws IllegalArgumentException if a key is null, empty, or {@code event_date}/{@code
   *     event_time}, or if two keys are equal (possible in a map that does not compare keys with
   *     {@code equals}, such as an {@code IdentityHashMap}); nothing is emitted then
   * @throws QueueFullException under {@link OverflowPolicy#FAIL}, if a subscription's queue is full
   */
  @CanIgnoreReturnValue
  public Emission emit(Enum<?> type, Map<String, ?> params) {
    Objects.requireNonNull(type, "type must not be null: pass the enum constant of the event");
    Objects.requireNonNull(params, "params must not be null: pass Map.of() for no parameters");
    return engine.emit(type, params);
  }

  /**
   * Same as {@code shutdown(true)}: stops accepting emissions and waits until every accepted one
   * was delivered.
   */
  public void shutdown() {
    shutdown(true);
  }

  /**
   * Stops accepting emissions; with {@code wait}, also waits until every accepted emission was
   * delivered and the manager's own threads were stopped.
   *
   * <p>The wait is bounded by the {@linkplain Builder#shutdownTimeout(Duration) shutdown timeout}
   * (30 seconds by default). If it elapses, the manager gives up and returns: it logs which
   * subscriptions still had events queued and which callbacks were still running (with their
   * threads), interrupts its own worker threads, and drops the events still queued, each counted
   * on its {@link Emission} as dropped: at once where no callback is running, and when the running
   * callback returns for the others. Until a stuck callback returns, {@link #isTerminated()} stays
   * false; its thread is a daemon and never keeps the JVM from exiting. If the calling thread is
   * interrupted, the wait ends early with its interrupt status set; delivery continues in the
   * background.
   *
   * <p>Called from one of this manager's own callbacks, it does not wait (the callback would wait
   * for itself) and behaves as {@code shutdown(false)}.
   *
   * <p>Idempotent; the first call also removes the manager from the JVM shutdown hook. Safe to call
   * concurrently with {@code emit} and with itself.
   *
   * @param wait whether to wait for the accepted emissions to be delivered
   */
  public void shutdown(boolean wait) {
    engine.shutdown(wait);
  }

  /**
   * Waits until the manager has terminated after a shutdown: every accepted emission delivered and
   * its own threads stopped.
   *
   * @param timeout how long to wait at most
   * @return true if terminated, false if the timeout elapsed first or no shutdown was requested
   * @throws InterruptedException if the calling thread is interrupted while waiting
   */
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    Objects.requireNonNull(timeout, "timeout must not be null");
    return engine.awaitTermination(timeout);
  }

  /**
   * Tells whether a shutdown has started; from then on emissions are refused.
   *
   * @return true once {@link #shutdown(boolean)} or {@link #close()} was called
   */
  public boolean isShutdown() {
    return engine.isShutdown();
  }

  /**
   * Tells whether the manager has terminated: shut down, and every accepted emission delivered (or,
   * after a shutdown that gave up, dropped).
   *
   * @return true once terminated
   */
  public boolean isTerminated() {
    return engine.isTerminated();
  }

  /**
   * Tells whether the calling thread is running one of this manager's callbacks right now. Code
   * that may run inside a callback can use it to avoid waiting for deliveries that cannot happen
   * until the callback returns (as {@link #shutdown()} itself does).
   *
   * @return true inside a callback of this manager
   */
  public boolean isCallbackThread() {
    return engine.isCallbackThreadOfThis();
  }

  /** Same as {@link #shutdown()}, for try-with-resources. */
  @Override
  public void close() {
    shutdown(true);
  }

  @Override
  public String toString() {
    return engine.toString();
  }

  /**
   * Settings for an {@link EventManager}. Each setting may be given once (a second call throws
   * {@link IllegalStateException}) and is validated when given ({@link IllegalArgumentException},
   * naming the setting and the allowed values); {@link #build()} checks that the settings fit
   * together. A builder is not thread-safe and may build several managers.
   */
  public static final class Builder {

    private @Nullable String name;
    private @Nullable Executor executor;
    private int workers;
    private boolean synchronous;
    private int queueCapacity;
    private @Nullable OverflowPolicy overflow;
    private @Nullable ErrorHandler errorHandler;
    private @Nullable Clock clock;
    private @Nullable Boolean shutdownHook;
    private @Nullable Duration shutdownTimeout;
    private @Nullable Duration idleSpin;

    private Builder() {}

    /**
     * Names the manager in its log messages and its threads ({@code jorchestrate-<name>-N}).
     * Default: {@code events}.
     *
     * @param name a non-blank name
     * @return this builder
     */
    @CanIgnoreReturnValue
    public Builder name(String name) {
      requireUnset("name", this.name);
      Objects.requireNonNull(name, "name must not be null");
      if (name.isBlank()) {
        throw new IllegalArgumentException("name must not be blank; it appears in thread names");
      }
      this.name = name;
      return this;
    }

    /**
     * Runs callbacks on this executor instead of the manager's own pool, for example virtual
     * threads on Java 21+ ({@code Executors.newVirtualThreadPerTaskExecutor()}). The manager never
     * shuts a supplied executor down. If it rejects a task, the callbacks run on the thread that
     * scheduled them (usually the emitting one) and a warning is logged.
     *
     * @param executor the executor
     * @return this builder
     */
    @CanIgnoreReturnValue
    public Builder executor(Executor executor) {
      requireUnset("executor", this.executor);
      this.executor = Objects.requireNonNull(executor, "executor must not be null");
      return this;
    }

    /**
     * Sets the most threads of the manager's own pool. Default: processors + 4, at most {@value
     * EventManager#DEFAULT_MAX_WORKERS_CAP}.
     *
     * @param workers at least 1
     * @return this builder
     */
    @CanIgnoreReturnValue
    public Builder workers(int workers) {
      requireUnset("workers", this.workers == 0 ? null : this.workers);
      if (workers < 1) {
        throw new IllegalArgumentException(
            "workers must be at least 1 (the most callbacks running at once), but was " + workers);
      }
      this.workers = workers;
      return this;
    }

    /**
     * Runs callbacks on the emitting thread, in registration order, before {@code emit} returns;
     * meant for deterministic tests. Errors are still isolated. A callback that emits has its event
     * delivered after it returns, not nested inside it. If several threads emit to the same
     * subscription at once, a callback may run on another emitting thread than its own.
     *
     * @return this builder
     */
    @CanIgnoreReturnValue
    public Builder synchronous() {
      if (synchronous) {
        throw new IllegalStateException("synchronous() was already called");
      }
      this.synchronous = true;
      return this;
    }

    /**
     * Sets how many events each subscription's queue holds (besides the one its callback may be
     * running for) before the {@link #overflow OverflowPolicy} applies. Default: {@value
     * EventManager#DEFAULT_QUEUE_CAPACITY}. Queues grow on demand, so a large capacity costs memory
     * only when used.
     *
     * @param capacity at least 1
     * @return this builder
     */
    @CanIgnoreReturnValue
    public Builder queueCapacity(int capacity) {
      requireUnset("queueCapacity", this.queueCapacity == 0 ? null : this.queueCapacity);
      if (capacity < 1 || capacity > EngineConfig.MAX_QUEUE_CAPACITY) {
        throw new IllegalArgumentException(
            "queueCapacity must be between 1 and "
                + EngineConfig.MAX_QUEUE_CAPACITY
                + " events, but was "
                + capacity);
      }
      this.queueCapacity = capacity;
      return this;
    }

    /**
     * Sets what {@code emit} does when a subscription's queue is full. Default: {@link
     * OverflowPolicy#BLOCK}, which loses nothing.
     *
     * @param policy the policy
     * @return this builder
     */
    @CanIgnoreReturnValue
    public Builder overflow(OverflowPolicy policy) {
      requireUnset("overflow", this.overflow);
      this.overflow = Objects.requireNonNull(policy, "overflow policy must not be null");
      return this;
    }

    /**
     * Sets who receives callback failures, in addition to the log. Default: none (the failure is
     * only logged and counted).
     *
     * @param handler the handler
     * @return this builder
     */
    @CanIgnoreReturnValue
    public Builder errorHandler(ErrorHandler handler) {
      requireUnset("errorHandler", this.errorHandler);
      this.errorHandler = Objects.requireNonNull(handler, "errorHandler must not be null");
      return this;
    }

    /**
     * Sets the clock that stamps events; its zone sets {@code event_date} and {@code event_time}.
     * Default: {@link Clock#systemDefaultZone()}.
     *
     * @param clock the clock
     * @return this builder
     */
    @CanIgnoreReturnValue
    public Builder clock(Clock clock) {
      requireUnset("clock", this.clock);
      this.clock = Objects.requireNonNull(clock, "clock must not be null");
      return this;
    }

    /**
     * Sets whether the JVM shutdown hook shuts this manager down at exit, if it is still running.
     * Default: true.
     *
     * @param enabled whether to register with the hook
     * @return this builder
     */
    @CanIgnoreReturnValue
    public Builder shutdownHook(boolean enabled) {
      requireUnset("shutdownHook", this.shutdownHook);
      this.shutdownHook = enabled;
      return this;
    }

    /**
     * Sets how long a shutdown (explicit or from the JVM hook) waits for accepted emissions before
     * giving up on them. Default: 30 seconds.
     *
     * @param timeout positive
     * @return this builder
     */
    @CanIgnoreReturnValue
    public Builder shutdownTimeout(Duration timeout) {
      requireUnset("shutdownTimeout", this.shutdownTimeout);
      Objects.requireNonNull(timeout, "shutdownTimeout must not be null");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("shutdownTimeout must be positive, but was " + timeout);
      }
      this.shutdownTimeout = timeout;
      return this;
    }

    /**
     * Sets the longest a worker of the manager's own pool that has caught up with a subscription
     * busy-waits (spins) for its next event before it goes back to the pool, where waking it again
     * costs a thread hand-off: microseconds on an idle machine, 100 µs or more on a busy or
     * virtualised one. The actual spin adapts, per subscription, to the pauses between its events,
     * up to this bound (and past it by at most one 5 µs look at the queue): a subscription whose
     * pauses exceed the bound soon spins for 5 µs only.
     *
     * <p>At most one worker per two processors spins at a time, across all managers of the JVM (so
     * none on one processor): a subscription that spins long takes the place other managers' short
     * spins would use. A spinning worker stops when other subscriptions wait for a worker, when its
     * subscription is cancelled, or when the manager shuts down. On a stream that stays faster than
     * about 1.6 M events per second for over 20 µs it stays a few dozen events (at most 64, and at
     * most a quarter of the queue capacity) behind the newest rather than reading the memory the
     * emitting thread is still writing, which on a machine whose cores share no cache nearly
     * doubles a single subscription's throughput; those events wait a few microseconds longer,
     * shorter bursts are taken as they come, a stream that stops is taken whole within two looks
     * (10 µs), and nothing is held back while an emitter waits for room under {@link
     * OverflowPolicy#BLOCK}.
     *
     * <p>Default: 50 µs, which keeps a steady stream from paying a hand-off per event at little
     * cost. A longer spin lowers the latency of streams with longer pauses, as a busy-spinning wait
     * strategy does in other libraries, but keeps a core busy for up to that long after each event:
     * a subscription whose events come closer together than this keeps a core busy all the time.
     * {@link Duration#ZERO} never spins: the least CPU, and a hand-off for every event that finds
     * its subscription idle. Not with {@link #executor} (the manager cannot see whether other tasks
     * wait for its threads, so it never spins on them) nor {@link #synchronous()}.
     *
     * @param maxSpin from zero to one second
     * @return this builder
     */
    @CanIgnoreReturnValue
    public Builder idleSpin(Duration maxSpin) {
      requireUnset("idleSpin", this.idleSpin);
      Objects.requireNonNull(maxSpin, "idleSpin must not be null");
      if (maxSpin.isNegative() || maxSpin.compareTo(EngineConfig.MAX_IDLE_SPIN) > 0) {
        throw new IllegalArgumentException(
            "idleSpin must be between zero (never spin) and "
                + EngineConfig.MAX_IDLE_SPIN
                + ", but was "
                + maxSpin);
      }
      this.idleSpin = maxSpin;
      return this;
    }

    /**
     * Builds and starts a manager with these settings.
     *
     * @return a running manager
     * @throws IllegalStateException if settings conflict: {@code synchronous()} with an executor,
     *     workers or an idle spin, or {@code executor} with {@code workers} or an idle spin
     */
    public EventManager build() {
      return new EventManager(config());
    }

    EngineConfig config() {
      if (executor != null && workers != 0) {
        throw new IllegalStateException(
            "set either executor(...) or workers(...), not both: workers sizes the manager's own"
                + " pool, which a supplied executor replaces");
      }
      if (synchronous && idleSpin != null) {
        throw new IllegalStateException(
            "synchronous() runs callbacks on the emitting thread, which never spins: it takes no"
                + " idleSpin(...)");
      }
      if (executor != null && idleSpin != null) {
        throw new IllegalStateException(
            "idleSpin(...) applies to the manager's own pool; with executor(...) the manager cannot"
                + " see whether other tasks wait for its threads, so it never spins on them");
      }
      if (synchronous && (executor != null || workers != 0)) {
        throw new IllegalStateException(
            "synchronous() runs callbacks on the emitting thread, so it takes no executor(...) or"
                + " workers(...)");
      }
      return new EngineConfig(
          name == null ? "events" : name,
          executor,
          workers != 0 ? workers : EngineConfig.defaultWorkers(),
          synchronous,
          queueCapacity != 0 ? queueCapacity : DEFAULT_QUEUE_CAPACITY,
          overflow == null ? OverflowPolicy.BLOCK : overflow,
          errorHandler,
          clock == null ? Clock.system(ZoneId.systemDefault()) : clock,
          shutdownHook == null || shutdownHook,
          shutdownTimeout == null ? EngineConfig.DEFAULT_SHUTDOWN_TIMEOUT : shutdownTimeout,
          idleSpin == null ? EngineConfig.DEFAULT_IDLE_SPIN : idleSpin);
    }

    private static void requireUnset(String setting, @Nullable Object current) {
      if (current != null) {
        throw new IllegalStateException(setting + " was already set to " + current);
      }
    }
  }
}
