package org.jorchestrate.agent;

import java.io.InterruptedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jorchestrate.events.Emission;
import org.jorchestrate.events.EventManager;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A unit of work with a lifecycle, run on its own thread: {@link #setup()}, then {@link
 * #execute()}, then {@link #teardown()}, announcing each transition as an {@link AgentStateEvent}
 * through its event manager.
 *
 * <pre>{@code
 * class Greeter extends Agent {
 *   Greeter() { super("greeter"); }
 *   protected void execute() { log.info("hello"); }
 * }
 * Greeter greeter = new Greeter();
 * greeter.eventManager().registerEvent(AgentStateEvent.TERMINATED, e -> ...);
 * greeter.start();
 * greeter.awaitTermination(Duration.ofSeconds(5));
 * }</pre>
 *
 * <h2>Lifecycle</h2>
 *
 * States move forward only ({@link AgentState}); the events follow them (see {@link
 * AgentStateEvent} for the exact sequences). Once {@code setup()} was called, {@code teardown()}
 * runs too, also after a failure, to release what setup acquired; if a stop came before setup, it
 * runs neither. Anything a phase throws ends the agent {@link AgentState#FAILED FAILED}, is logged,
 * kept as {@link #failure()}, and emitted as {@link AgentStateEvent#ERROR}; it never escapes the
 * agent's thread, so it disturbs no other agent.
 *
 * <h2>Stopping</h2>
 *
 * {@link #stop()} is cooperative: it sets a flag that {@link #isStopRequested()} reports and, while
 * the agent is in {@code setup()} or {@code execute()}, interrupts its thread, so that blocking
 * calls return. What such a call throws after a stop request ({@link InterruptedException}, {@link
 * InterruptedIOException}, {@link ClosedByInterruptException}, or an exception caused by one) is
 * the stop working, not a failure. Teardown and the agent's own event emissions are never
 * interrupted. An agent that ignores both the flag and the interrupt keeps running; an {@link
 * org.jorchestrate.orchestrator.Orchestrator} reports it after its stop timeout.
 *
 * <h2>Threads and events</h2>
 *
 * {@link #start()} runs the lifecycle on a new daemon thread named {@code jorchestrate-agent-<name>};
 * {@link #start(ThreadFactory)} takes any factory (for example virtual threads on Java 21+). The
 * agent emits through the event manager it was given with {@link #useEventManager(EventManager)} (an
 * orchestrator gives it its own), or else through one it creates on first use and shuts down when
 * it terminates. Each agent runs once: start it again and it throws.
 *
 * <p>The public methods are thread-safe. The three phases run on the agent's thread. The waiting
 * methods <b>must not</b> be called from a callback of the agent's own events with a long timeout:
 * they wait for those callbacks to finish.
 */
public abstract class Agent {

  private static final Logger LOG = LoggerFactory.getLogger(Agent.class);
  private static final AtomicLong IDS = new AtomicLong();

  private final String name;
  private final String id = Long.toString(IDS.incrementAndGet());
  private final Object lock = new Object();
  private final CompletableFuture<AgentState> termination = new CompletableFuture<>();

  private AgentState state = AgentState.CREATED; // guarded by lock
  private final EnumSet<AgentState> reached = EnumSet.of(AgentState.CREATED); // guarded by lock
  private boolean interruptible; // guarded by lock: the thread is in setup() or execute()
  private @Nullable Thread thread; // guarded by lock
  private @Nullable EventManager events; // guarded by lock
  private boolean ownsEvents; // guarded by lock
  private final List<Emission> emitted = new ArrayList<>(); // guarded by lock; at most 6
  private @Nullable Throwable failure; // guarded by lock
  private volatile boolean stopRequested;

  /**
   * Creates an agent.
   *
   * @param name its name, unique among the agents of one orchestrator; it is the {@value
   *     AgentStateEvent#AGENT_NAME} of its events and part of its thread's name
   * @throws IllegalArgumentException if the name is blank
   */
  protected Agent(String name) {
    Objects.requireNonNull(name, "name must not be null");
    if (name.isBlank()) {
      throw new IllegalArgumentException("an agent's name must not be blank");
    }
    this.name = name;
  }

  /**
   * Prepares the agent's work; runs first on its thread. The default does nothing.
   *
   * @throws Exception to fail the agent; {@code teardown()} still runs
   */
  protected void setup() throws Exception {}

  /**
   * Does the agent's work; returning ends it. Runs after {@code setup()} returned, unless a stop was
   * requested meanwhile. Long work should check {@link #isStopRequested()} or block
   * interruptibly.
   *
   * @throws Exception to fail the agent
   */
  protected abstract void execute() throws Exception;

  /**
   * Releases what the agent holds; runs last on its thread, after success, failure or stop, once
   * {@code setup()} was called. The default does nothing.
   *
   * @throws Exception to fail the agent (reported as an error of phase {@code teardown})
   */
  protected void teardown() throws Exception {}

  /**
   * Returns the agent's name.
   *
   * @return the name given at construction
   */
  public final String name() {
    return name;
  }

  /**
   * Returns the agent's identity in events, {@value AgentStateEvent#AGENT_ID}: unique per agent
   * instance in this JVM.
   *
   * @return the id
   */
  public final String id() {
    return id;
  }

  /**
   * Returns the agent's current state.
   *
   * @return the state at the moment of the call
   */
  public final AgentState state() {
    synchronized (lock) {
      return state;
    }
  }

  /**
   * Returns what made the agent fail: the first throwable of a phase.
   *
   * @return the failure, empty unless the agent is {@link AgentState#FAILED FAILED}
   */
  public final Optional<Throwable> failure() {
    synchronized (lock) {
      return Optional.ofNullable(failure);
    }
  }

  /**
   * Returns a stage completed with the final state ({@code TERMINATED} or {@code FAILED}) when the
   * agent ends. Dependent actions registered on it run on the agent's thread if it has not ended
   * yet, else on the caller's.
   *
   * @return a stage that callers cannot complete
   */
  public final CompletionStage<AgentState> whenTerminated() {
    return termination.minimalCompletionStage();
  }

  /**
   * Sets the event manager the agent emits its state events on. Must be called before {@link
   * #start()}; an orchestrator calls it when the agent is registered. The agent never shuts a given
   * manager down.
   *
   * @param manager the event manager
   * @throws IllegalStateException if the agent was already started, or already uses another
   *     manager (possibly its own, created by an earlier call of {@link #eventManager()})
   */
  public final void useEventManager(EventManager manager) {
    Objects.requireNonNull(manager, "manager must not be null");
    synchronized (lock) {
      if (state != AgentState.CREATED) {
        throw new IllegalStateException(
            "agent '" + name + "' was already started; give it an event manager before start()");
      }
      if (events != null && events != manager) {
        throw new IllegalStateException(
            "agent '"
                + name
                + "' already emits on "
                + (ownsEvents
                    ? "its own event manager, created by eventManager(); register callbacks on the"
                        + " orchestrator's eventManager() instead"
                    : events + "; an agent uses one event manager"));
      }
      events = manager;
      ownsEvents = false;
    }
  }

  /**
   * Returns the event manager the agent emits on: the one it was given, or else its own, created on
   * the first call (so that callbacks can be registered before {@link #start()}) and shut down when
   * the agent terminates.
   *
   * @return the agent's event manager
   */
  public final EventManager eventManager() {
    synchronized (lock) {
      EventManager manager = events;
      if (manager == null) {
        manager = EventManager.builder().name("agent-" + name).build();
        events = manager;
        ownsEvents = true;
      }
      return manager;
    }
  }

  /**
   * Starts the agent on a new daemon thread named {@code jorchestrate-agent-<name>}, and returns.
   *
   * @throws IllegalStateException if the agent was already started
   */
  public final void start() {
    start(
        task -> {
          Thread thread = new Thread(task, "jorchestrate-agent-" + name);
          thread.setDaemon(true);
          return thread;
        });
  }

  /**
   * Starts the agent on a thread from the given factory, and returns.
   *
   * @param threadFactory makes the agent's thread, for example {@code
   *     Thread.ofVirtual().factory()} on Java 21+
   * @throws IllegalStateException if the agent was already started, or the factory made no thread;
   *     if the thread cannot be started, the agent ends {@code FAILED} (emitting {@code ERROR} and
   *     {@code TERMINATED}) and the error is rethrown
   */
  public final void start(ThreadFactory threadFactory) {
    Objects.requireNonNull(threadFactory, "threadFactory must not be null");
    requireNotStarted();
    eventManager(); // create the own manager now if none was given
    Thread newThread = threadFactory.newThread(this::runLifecycle);
    if (newThread == null) {
      throw new IllegalStateException("the thread factory made no thread for agent '" + name + "'");
    }
    synchronized (lock) {
      requireNotStarted();
      advance(AgentState.STARTING);
      thread = newThread;
    }
    try {
      newThread.start();
    } catch (Throwable startFailure) { // e.g. OutOfMemoryError: unable to create native thread
      synchronized (lock) {
        failure = startFailure;
      }
      reportFailure(startFailure, "start");
      finish(AgentState.FAILED);
      throw startFailure;
    }
  }

  private void requireNotStarted() {
    synchronized (lock) {
      if (state != AgentState.CREATED) {
        throw new IllegalStateException(
            "agent '" + name + "' was already started (it is " + state + "); create a new one");
      }
    }
  }

  /**
   * Requests the agent to stop: {@link #isStopRequested()} returns true from now on, and if the
   * agent is in {@code setup()} or {@code execute()} its thread is interrupted. Returns at once;
   * use {@link #awaitTermination(Duration)} to wait. Idempotent; a stop requested before {@link
   * #start()} makes the agent stop as soon as it starts.
   */
  public final void stop() {
    stopRequested = true;
    synchronized (lock) {
      if (state == AgentState.STARTING || state == AgentState.RUNNING) {
        advance(AgentState.STOPPING);
      }
      Thread agentThread = thread;
      if (interruptible && agentThread != null && agentThread != Thread.currentThread()) {
        agentThread.interrupt();
      }
    }
  }

  /**
   * Tells whether a stop was requested; long-running work should check it.
   *
   * @return true once {@link #stop()} was called
   */
  protected final boolean isStopRequested() {
    return stopRequested;
  }

  /**
   * Waits until the agent has reached the given state (now or earlier: a fast agent that already
   * passed through {@code RUNNING} counts as having reached it).
   *
   * @param target the state to wait for
   * @param timeout how long to wait at most
   * @return true if reached; false if the timeout elapsed, the agent ended without reaching it (as
   *     {@code RUNNING} for an agent whose setup failed), or the calling thread was interrupted (its
   *     interrupt status is then set)
   */
  public final boolean awaitState(AgentState target, Duration timeout) {
    Objects.requireNonNull(target, "target must not be null");
    long deadline = System.nanoTime() + saturatedNanos(timeout);
    synchronized (lock) {
      while (!reached.contains(target)) {
        if (state.isTerminal() || !waitUntil(deadline)) {
          return false;
        }
      }
      return true;
    }
  }

  /**
   * Waits until the agent has ended, {@code TERMINATED} or {@code FAILED}, and every callback of its
   * state events has run.
   *
   * @param timeout how long to wait at most
   * @return true if so; false if the timeout elapsed or the calling thread was interrupted (its
   *     interrupt status is then set)
   */
  public final boolean awaitTermination(Duration timeout) {
    long deadline = System.nanoTime() + saturatedNanos(timeout);
    List<Emission> toAwait;
    synchronized (lock) {
      while (!state.isTerminal()) {
        if (!waitUntil(deadline)) {
          return false;
        }
      }
      toAwait = List.copyOf(emitted);
    }
    try {
      for (Emission emission : toAwait) {
        if (!emission.await(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
          return false;
        }
      }
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /* Waits on the lock until notified or the deadline; false on timeout or interrupt. */
  private boolean waitUntil(long deadline) {
    long left = deadline - System.nanoTime();
    if (left <= 0) {
      return false;
    }
    try {
      TimeUnit.NANOSECONDS.timedWait(lock, left);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[" + name + ", " + state() + "]";
  }

  // ------------------------------------------------------------------ the agent's thread

  private void runLifecycle() {
    emit(AgentStateEvent.STARTED);
    Throwable thrown = null;
    String failedPhase = "setup";
    boolean setupCalled = false;
    try {
      if (!stopRequested) {
        setupCalled = true;
        runInterruptibly(this::setup);
      }
      if (!stopRequested) {
        synchronized (lock) {
          advance(AgentState.RUNNING);
        }
        emit(AgentStateEvent.READY);
        failedPhase = "execute";
        runInterruptibly(this::execute);
      }
    } catch (Throwable t) { // everything: an agent's failure must not escape its thread
      if (!(stopRequested && isStopSignal(t))) {
        thrown = t;
      }
    }
    synchronized (lock) {
      advance(AgentState.STOPPING);
    }
    if (thrown == null) {
      emit(AgentStateEvent.STOPPED);
    } else {
      reportFailure(thrown, failedPhase);
    }
    if (setupCalled) {
      try {
        teardown();
      } catch (Throwable t) {
        reportFailure(t, "teardown");
        if (thrown == null) {
          thrown = t;
        }
      }
    }
    if (thrown != null) {
      synchronized (lock) {
        failure = thrown;
      }
    }
    finish(thrown == null ? AgentState.TERMINATED : AgentState.FAILED);
  }

  /* Emits TERMINATED, releases an own manager, then enters the final state. */
  private void finish(AgentState end) {
    emit(AgentStateEvent.TERMINATED, AgentStateEvent.STATE, end.name());
    EventManager ownManager;
    synchronized (lock) {
      ownManager = ownsEvents ? events : null;
    }
    if (ownManager != null) {
      // Deliver the agent's last events before it counts as ended, then release the manager.
      ownManager.shutdown();
    }
    synchronized (lock) {
      advance(end);
    }
    termination.complete(end); // outside the lock: dependent actions run here
  }

  /* Whether a throwable is how a blocking call reacts to the stop's interrupt. */
  private static boolean isStopSignal(Throwable thrown) {
    for (Throwable t = thrown; t != null; t = t.getCause()) {
      if (t instanceof InterruptedException
          || t instanceof InterruptedIOException
          || t instanceof ClosedByInterruptException) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  private interface Phase {
    void run() throws Exception;
  }

  private void runInterruptibly(Phase phase) throws Exception {
    synchronized (lock) {
      interruptible = true;
      if (stopRequested) {
        Thread.currentThread().interrupt(); // a stop raced with entering the phase
      }
    }
    try {
      phase.run();
    } finally {
      synchronized (lock) {
        interruptible = false;
        Thread.interrupted(); // clear a late interrupt: emitting and teardown must not see it
      }
    }
  }

  private void reportFailure(Throwable thrown, String phase) {
    LOG.error("Agent '{}' failed in {}", name, phase, thrown);
    emit(
        AgentStateEvent.ERROR,
        AgentStateEvent.ERROR_MESSAGE,
        thrown.toString(),
        AgentStateEvent.ERROR_TYPE,
        thrown.getClass().getName(),
        AgentStateEvent.PHASE,
        phase);
  }

  private void emit(AgentStateEvent type, Object... more) {
    EventManager manager;
    synchronized (lock) {
      manager = events;
    }
    if (manager == null) {
      return; // cannot happen: start() sets one
    }
    Object[] keyValues = new Object[more.length + 4];
    keyValues[0] = AgentStateEvent.AGENT_NAME;
    keyValues[1] = name;
    keyValues[2] = AgentStateEvent.AGENT_ID;
    keyValues[3] = id;
    System.arraycopy(more, 0, keyValues, 4, more.length);
    try {
      Emission emission = manager.emit(type, keyValues);
      synchronized (lock) {
        emitted.add(emission);
      }
    } catch (RuntimeException e) { // e.g. QueueFullException under OverflowPolicy.FAIL
      LOG.warn("Agent '{}' could not emit {}", name, type, e);
    }
  }

  /* Moves the state forward (never back) and wakes the waiters; the caller holds the lock. */
  private void advance(AgentState next) {
    if (next.compareTo(state) > 0) {
      state = next;
      reached.add(next);
      lock.notifyAll();
    }
  }

  private static long saturatedNanos(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout must not be null");
    if (timeout.isNegative()) {
      return 0;
    }
    return timeout.compareTo(Duration.ofNanos(Long.MAX_VALUE / 2)) >= 0
        ? Long.MAX_VALUE / 2
        : timeout.toNanos();
  }
}
