package org.jorchestrate.orchestrator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.jorchestrate.agent.Agent;
import org.jorchestrate.agent.AgentState;
import org.jorchestrate.agent.AgentStateEvent;
import org.jorchestrate.events.Emission;
import org.jorchestrate.events.Event;
import org.jorchestrate.events.EventManager;
import org.jorchestrate.events.Subscription;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs agents and follows them through one event manager, as the specification's integration
 * section describes.
 *
 * <pre>{@code
 * try (Orchestrator orchestrator = new Orchestrator()) {
 *   orchestrator.register(new Producer()).register(new Worker());
 *   orchestrator.eventManager().registerEvent(AgentStateEvent.STARTED,
 *       e -> log.info("Agent {} started at {}", e.get("agent_name"), e.eventTime()));
 *   orchestrator.eventManager().registerEvent(OrchestratorEvent.ALL_AGENTS_TERMINATED,
 *       e -> log.info("All agents terminated at {}", e.eventTime()));
 *   orchestrator.run();   // start every agent, return once all ended and the callbacks ran
 * }
 * }</pre>
 *
 * <h2>What it does</h2>
 *
 * <ul>
 *   <li>{@link #register(Agent)} gives each agent the orchestrator's event manager; {@link #start()}
 *       starts each on its own thread.
 *   <li>One subscription of its own turns the agents' {@link AgentStateEvent}s into {@link
 *       OrchestratorEvent}s ({@code STARTED → AGENT_STARTED}, {@code READY → AGENT_READY}, {@code
 *       ERROR → AGENT_ERROR}, {@code TERMINATED → AGENT_TERMINATED}), in each agent's order, and
 *       emits {@link OrchestratorEvent#ALL_AGENTS_TERMINATED} exactly once, after the last agent
 *       ended, whatever the mix of success, failure and stop. An agent's end is also learnt from
 *       the agent itself, so a lost {@code TERMINATED} event (a dropping overflow policy, a shared
 *       manager shut down) never leaves {@code run()} waiting.
 *   <li>An {@link EventHistory} records every event of the manager, bounded.
 *   <li>{@link #stop()} asks every agent to stop and waits up to the stop timeout (10 seconds by
 *       default); an agent still running then is given up on: logged, reported as {@code
 *       AGENT_ERROR} with phase {@code stop}, and counted as ended so that {@code run()} returns.
 *       Its thread (a daemon by default) keeps running until it returns.
 * </ul>
 *
 * <p>Agents are told apart in events by their {@linkplain Agent#id() id}, so agents of the same
 * name on a shared manager do not mix. All methods are thread-safe. An orchestrator runs its agents
 * once.
 */
public final class Orchestrator implements AutoCloseable {

  /** How long {@link #stop()} waits for the agents by default. */
  public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(10);

  private static final Logger LOG = LoggerFactory.getLogger(Orchestrator.class);

  private enum Phase {
    NEW,
    RUNNING,
    DONE
  }

  /* What the orchestrator knows of one agent; guarded by the orchestrator's lock. */
  private static final class Tracked {
    final Agent agent;
    boolean terminatedReported;
    boolean abandonReported;
    boolean ended;

    Tracked(Agent agent) {
      this.agent = agent;
    }
  }

  private final String name;
  private final EventManager events;
  private final boolean ownsEvents;
  private final EventHistory history;
  private final Duration stopTimeout;
  private final @Nullable ThreadFactory threadFactory;
  private final Subscription tracking;

  private final Object lock = new Object();
  private final Map<String, Tracked> byName = new LinkedHashMap<>(); // guarded by lock
  private final Map<String, Tracked> byId = new HashMap<>(); // guarded by lock
  private int endedCount; // guarded by lock
  private int failed; // guarded by lock
  private int abandoned; // guarded by lock
  private Phase phase = Phase.NEW; // guarded by lock
  private boolean stoppedBeforeStart; // guarded by lock
  private boolean allTerminatedEmitted; // guarded by lock
  private final List<Emission> emitted = new ArrayList<>(); // guarded by lock; ~5 per agent
  private final CountDownLatch allEnded = new CountDownLatch(1);

  /** Creates an orchestrator with its own event manager, shut down by {@link #close()}. */
  public Orchestrator() {
    this(builder());
  }

  /**
   * Creates an orchestrator on a shared event manager, which it never shuts down.
   *
   * @param shared the event manager its agents and it emit on
   */
  public Orchestrator(EventManager shared) {
    this(builder().eventManager(shared));
  }

  private Orchestrator(Builder builder) {
    this.name = builder.name;
    EventManager given = builder.eventManager;
    this.ownsEvents = given == null;
    this.events = given != null ? given : EventManager.builder().name(name).build();
    this.history = EventHistory.attachTo(events, builder.historyCapacity);
    this.stopTimeout = builder.stopTimeout;
    this.threadFactory = builder.threadFactory;
    this.tracking = events.registerAll(this::follow);
  }

  /**
   * Returns a builder, for settings other than the defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the event manager the orchestrator and its agents emit on; register callbacks on it.
   *
   * @return the event manager
   */
  public EventManager eventManager() {
    return events;
  }

  /**
   * Returns the history of the event manager's events since the orchestrator was created.
   *
   * @return the history
   */
  public EventHistory history() {
    return history;
  }

  /**
   * Adds an agent, to be started by {@link #start()}.
   *
   * @param agent an agent not started yet
   * @return this orchestrator, for chaining
   * @throws IllegalArgumentException if an agent of the same name is already registered
   * @throws IllegalStateException if the orchestrator was already started, or the agent was started
   *     or uses another event manager
   */
  public Orchestrator register(Agent agent) {
    Objects.requireNonNull(agent, "agent must not be null");
    synchronized (lock) {
      if (phase != Phase.NEW) {
        throw new IllegalStateException(
            "orchestrator '" + name + "' was already started; register agents before start()");
      }
      if (byName.containsKey(agent.name())) {
        throw new IllegalArgumentException(
            "orchestrator '"
                + name
                + "' already has an agent named '"
                + agent.name()
                + "'; agent names must be unique");
      }
      agent.useEventManager(events);
      Tracked tracked = new Tracked(agent);
      byName.put(agent.name(), tracked);
      byId.put(agent.id(), tracked);
    }
    // Learn the agent's end from the agent itself too, on its thread, in case its TERMINATED event
    // never reaches the tracking subscription.
    agent.whenTerminated().thenAccept(end -> reconcile(agent));
    return this;
  }

  /**
   * Returns the registered agents.
   *
   * @return an unmodifiable snapshot, in registration order
   */
  public List<Agent> agents() {
    synchronized (lock) {
      List<Agent> all = new ArrayList<>(byName.size());
      byName.values().forEach(t -> all.add(t.agent));
      return List.copyOf(all);
    }
  }

  /**
   * Starts every registered agent on its own thread, and returns. With no agent registered, {@code
   * ALL_AGENTS_TERMINATED} is emitted at once.
   *
   * @throws IllegalStateException if already started, stopped, or the event manager is shut down
   */
  public void start() {
    List<Agent> toStart;
    synchronized (lock) {
      if (phase != Phase.NEW) {
        throw new IllegalStateException(
            "orchestrator '"
                + name
                + (stoppedBeforeStart ? "' was stopped before it started" : "' was already started")
                + "; an orchestrator runs once");
      }
      if (events.isShutdown()) {
        throw new IllegalStateException(
            "orchestrator '" + name + "' cannot start: its event manager is shut down");
      }
      phase = Phase.RUNNING;
      toStart = agents();
    }
    LOG.debug("Orchestrator '{}' starts {} agent(s)", name, toStart.size());
    if (toStart.isEmpty()) {
      finishIfAllEnded();
    }
    for (Agent agent : toStart) {
      try {
        if (threadFactory == null) {
          agent.start();
        } else {
          agent.start(threadFactory);
        }
      } catch (RuntimeException | Error failure) {
        // The agent reported ERROR and TERMINATED itself; reconcile() counts it.
        LOG.error("Orchestrator '{}' could not start agent '{}'", name, agent.name(), failure);
      }
    }
  }

  /**
   * Starts every agent, then waits until all of them ended and every callback of the run's events
   * has run ({@code ALL_AGENTS_TERMINATED} last; this last wait is bounded by the stop timeout). If
   * the calling thread is interrupted meanwhile, the agents are stopped (as by {@link #stop()}) and
   * the method returns with the interrupt status set.
   *
   * @throws IllegalStateException if already started or stopped, or the event manager is shut down
   */
  public void run() {
    start();
    try {
      allEnded.await();
    } catch (InterruptedException e) {
      LOG.info("Orchestrator '{}' interrupted while running: stopping its agents", name);
      stop(); // keeps the interrupt status set
      Thread.currentThread().interrupt();
      return;
    }
    awaitDelivery(System.nanoTime() + stopTimeout.toNanos());
  }

  /**
   * Waits until every agent ended and every callback of the run's events (the agents' state events
   * and the orchestrator's, {@code ALL_AGENTS_TERMINATED} last) has run.
   *
   * @param timeout how long to wait at most
   * @return true if so; false if the timeout elapsed, the orchestrator was never started, or the
   *     calling thread was interrupted (its interrupt status is then set)
   */
  public boolean awaitTermination(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout must not be null");
    long deadline = System.nanoTime() + nanos(timeout);
    try {
      if (!allEnded.await(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
        return false;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
    return awaitDelivery(deadline);
  }

  /**
   * Asks every agent to stop, waits up to the stop timeout for them to end (ignoring interrupts
   * meanwhile, which it restores on return), gives up on those still running (see the class
   * description), and returns once {@code ALL_AGENTS_TERMINATED} was emitted and delivered (if
   * agents were given up on, it waits up to half the stop timeout more for that delivery).
   * Called from a callback of the orchestrator's event manager it only requests the stops and
   * returns, since the deliveries it would wait for include that callback. Before {@link #start()}
   * it makes a later start fail. Idempotent.
   */
  public void stop() {
    List<Agent> all;
    synchronized (lock) {
      if (phase == Phase.NEW) {
        phase = Phase.DONE;
        stoppedBeforeStart = true;
      }
      if (stoppedBeforeStart) {
        return; // nothing ever ran
      }
      all = agents();
    }
    for (Agent agent : all) {
      agent.stop();
    }
    if (events.isCallbackThread()) {
      return;
    }
    long deadline = System.nanoTime() + stopTimeout.toNanos();
    boolean interrupted = Thread.interrupted(); // bounded waits below: restore it at the end
    try {
      if (!awaitAllEndedUninterruptibly(deadline)) {
        abandonStragglers();
      }
      long deliveryDeadline = Math.max(deadline, System.nanoTime() + stopTimeout.toNanos() / 2);
      while (!awaitDelivery(deliveryDeadline) && Thread.interrupted()) {
        interrupted = true; // an interrupt cut the wait short: wait out the rest of the timeout
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Stops the agents (as {@link #stop()}), then shuts down the event manager if it is its own. */
  @Override
  public void close() {
    stop();
    tracking.unsubscribe();
    history.close();
    if (ownsEvents) {
      events.shutdown();
    }
  }

  @Override
  public String toString() {
    synchronized (lock) {
      return "Orchestrator[" + name + ", " + phase + ", " + byName.size() + " agents]";
    }
  }

  // ------------------------------------------------------------------ following the agents

  /* The tracking subscription's callback: one at a time, in each agent's emission order. */
  private void follow(Event event) {
    if (!(event.type() instanceof AgentStateEvent type)) {
      return;
    }
    Tracked tracked;
    synchronized (lock) {
      tracked = byId.get(String.valueOf(event.get(AgentStateEvent.AGENT_ID)));
    }
    if (tracked == null) {
      return; // another orchestrator's agent, or a standalone one, on a shared manager
    }
    String agent = tracked.agent.name();
    switch (type) {
      case STARTED ->
          emitQuietly(OrchestratorEvent.AGENT_STARTED, OrchestratorEvent.AGENT_NAME, agent);
      case READY -> emitQuietly(OrchestratorEvent.AGENT_READY, OrchestratorEvent.AGENT_NAME, agent);
      case ERROR ->
          emitQuietly(
              OrchestratorEvent.AGENT_ERROR,
              OrchestratorEvent.AGENT_NAME,
              agent,
              OrchestratorEvent.ERROR_MESSAGE,
              String.valueOf(event.get(AgentStateEvent.ERROR_MESSAGE)),
              OrchestratorEvent.ERROR_TYPE,
              String.valueOf(event.get(AgentStateEvent.ERROR_TYPE)),
              OrchestratorEvent.PHASE,
              String.valueOf(event.get(AgentStateEvent.PHASE)));
      case TERMINATED ->
          reportTerminated(tracked, String.valueOf(event.get(AgentStateEvent.STATE)));
      case STOPPED -> {
        // no orchestrator event of its own; AGENT_TERMINATED follows
      }
    }
  }

  /*
   * Runs on the agent's thread once it ended. Normally the tracking subscription has reported it
   * by the time the agent's events are delivered; if not, its TERMINATED event was lost.
   */
  private void reconcile(Agent agent) {
    agent.awaitTermination(stopTimeout); // its events delivered (or dropped), or given up waiting
    Tracked tracked;
    synchronized (lock) {
      tracked = byId.get(agent.id());
    }
    if (tracked != null) {
      reportTerminated(tracked, agent.state().name());
    }
  }

  private void reportTerminated(Tracked tracked, String state) {
    synchronized (lock) {
      if (tracked.terminatedReported) {
        return;
      }
      tracked.terminatedReported = true;
    }
    emitQuietly(
        OrchestratorEvent.AGENT_TERMINATED,
        OrchestratorEvent.AGENT_NAME,
        tracked.agent.name(),
        OrchestratorEvent.STATE,
        state);
    ended(tracked, AgentState.FAILED.name().equals(state), false);
  }

  private void abandonStragglers() {
    List<Tracked> stragglers = new ArrayList<>();
    synchronized (lock) {
      for (Tracked tracked : byName.values()) {
        if (!tracked.ended && !tracked.abandonReported) {
          tracked.abandonReported = true;
          stragglers.add(tracked);
        }
      }
    }
    for (Tracked tracked : stragglers) {
      Agent agent = tracked.agent;
      String message =
          "agent '"
              + agent.name()
              + "' did not stop within "
              + stopTimeout
              + " (it is "
              + agent.state()
              + "); given up on, its thread runs on until it returns";
      LOG.warn("Orchestrator '{}': {}", name, message);
      emitQuietly(
          OrchestratorEvent.AGENT_ERROR,
          OrchestratorEvent.AGENT_NAME,
          agent.name(),
          OrchestratorEvent.ERROR_MESSAGE,
          message,
          OrchestratorEvent.PHASE,
          "stop");
      ended(tracked, false, true);
    }
  }

  private void ended(Tracked tracked, boolean agentFailed, boolean agentAbandoned) {
    synchronized (lock) {
      if (tracked.ended) {
        return; // already counted: an agent given up on that ended after all
      }
      tracked.ended = true;
      endedCount++;
      if (agentFailed) {
        failed++;
      }
      if (agentAbandoned) {
        abandoned++;
      }
    }
    finishIfAllEnded();
  }

  private void finishIfAllEnded() {
    int total;
    int failedCount;
    int abandonedCount;
    synchronized (lock) {
      if (allTerminatedEmitted || phase != Phase.RUNNING || endedCount < byName.size()) {
        return;
      }
      allTerminatedEmitted = true;
      phase = Phase.DONE;
      total = byName.size();
      failedCount = failed;
      abandonedCount = abandoned;
    }
    // Emitted outside the lock: under OverflowPolicy.BLOCK an emit may wait for room.
    emitQuietly(
        OrchestratorEvent.ALL_AGENTS_TERMINATED,
        OrchestratorEvent.ORCHESTRATOR,
        name,
        OrchestratorEvent.AGENTS,
        total,
        OrchestratorEvent.FAILED,
        failedCount,
        OrchestratorEvent.ABANDONED,
        abandonedCount);
    LOG.debug(
        "Orchestrator '{}': all {} agent(s) ended ({} failed, {} given up on)",
        name,
        total,
        failedCount,
        abandonedCount);
    allEnded.countDown();
  }

  private boolean awaitAllEndedUninterruptibly(long deadline) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return allEnded.await(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /* Waits until every event of the run was delivered: the agents' and the orchestrator's. */
  private boolean awaitDelivery(long deadline) {
    List<Agent> toAwait = new ArrayList<>();
    List<Emission> ours;
    synchronized (lock) {
      for (Tracked tracked : byName.values()) {
        if (!tracked.abandonReported) {
          toAwait.add(tracked.agent);
        }
      }
      ours = List.copyOf(emitted);
    }
    try {
      for (Agent agent : toAwait) {
        if (!agent.awaitTermination(remaining(deadline))) {
          return warnUndelivered();
        }
      }
      for (Emission emission : ours) {
        if (!emission.await(remaining(deadline))) {
          return warnUndelivered();
        }
      }
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private boolean warnUndelivered() {
    if (!Thread.currentThread().isInterrupted()) {
      LOG.warn(
          "Orchestrator '{}': some callbacks of this run were still running after the stop"
              + " timeout; returning anyway",
          name);
    }
    return false;
  }

  private static Duration remaining(long deadline) {
    return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
  }

  private void emitQuietly(OrchestratorEvent type, Object... keyValues) {
    try {
      Emission emission = events.emit(type, keyValues);
      synchronized (lock) {
        emitted.add(emission);
      }
    } catch (RuntimeException e) { // e.g. QueueFullException under OverflowPolicy.FAIL
      LOG.warn("Orchestrator '{}' could not emit {}", name, type, e);
    }
  }

  private static long nanos(Duration timeout) {
    if (timeout.isNegative()) {
      return 0;
    }
    return timeout.compareTo(Duration.ofNanos(Long.MAX_VALUE / 2)) >= 0
        ? Long.MAX_VALUE / 2
        : timeout.toNanos();
  }

  /**
   * Settings for an {@link Orchestrator}. Each may be given once; a second call throws {@link
   * IllegalStateException}.
   */
  public static final class Builder {

    private String name = "orchestrator";
    private boolean nameSet;
    private @Nullable EventManager eventManager;
    private int historyCapacity = EventHistory.DEFAULT_CAPACITY;
    private boolean historyCapacitySet;
    private Duration stopTimeout = DEFAULT_STOP_TIMEOUT;
    private boolean stopTimeoutSet;
    private @Nullable ThreadFactory threadFactory;

    private Builder() {}

    /**
     * Names the orchestrator, in logs, in {@code ALL_AGENTS_TERMINATED} and its own event manager's
     * threads. Default: {@code orchestrator}.
     *
     * @param name a non-blank name
     * @return this builder
     */
    public Builder name(String name) {
      requireUnset("name", nameSet);
      Objects.requireNonNull(name, "name must not be null");
      if (name.isBlank()) {
        throw new IllegalArgumentException("name must not be blank");
      }
      this.name = name;
      nameSet = true;
      return this;
    }

    /**
     * Uses a shared event manager, which the orchestrator never shuts down. Default: its own.
     *
     * @param manager the event manager
     * @return this builder
     */
    public Builder eventManager(EventManager manager) {
      requireUnset("eventManager", eventManager != null);
      this.eventManager = Objects.requireNonNull(manager, "eventManager must not be null");
      return this;
    }

    /**
     * Sets how many recent events the history keeps. Default: {@value
     * EventHistory#DEFAULT_CAPACITY}.
     *
     * @param capacity at least 1
     * @return this builder
     */
    public Builder historyCapacity(int capacity) {
      requireUnset("historyCapacity", historyCapacitySet);
      if (capacity < 1) {
        throw new IllegalArgumentException(
            "historyCapacity must be at least 1, but was " + capacity);
      }
      this.historyCapacity = capacity;
      historyCapacitySet = true;
      return this;
    }

    /**
     * Sets how long {@link Orchestrator#stop()} waits for the agents before giving up on them, and
     * how long {@code run()} waits for the last callbacks. Default: 10 seconds.
     *
     * @param timeout positive
     * @return this builder
     */
    public Builder stopTimeout(Duration timeout) {
      requireUnset("stopTimeout", stopTimeoutSet);
      Objects.requireNonNull(timeout, "stopTimeout must not be null");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("stopTimeout must be positive, but was " + timeout);
      }
      this.stopTimeout = timeout;
      stopTimeoutSet = true;
      return this;
    }

    /**
     * Makes the agents' threads, for example virtual threads on Java 21+. Default: each agent's own
     * daemon thread named {@code jorchestrate-agent-<name>}.
     *
     * @param factory the thread factory
     * @return this builder
     */
    public Builder threadFactory(ThreadFactory factory) {
      requireUnset("threadFactory", threadFactory != null);
      this.threadFactory = Objects.requireNonNull(factory, "threadFactory must not be null");
      return this;
    }

    /**
     * Builds the orchestrator.
     *
     * @return a new orchestrator, not started
     */
    public Orchestrator build() {
      return new Orchestrator(this);
    }

    private static void requireUnset(String setting, boolean set) {
      if (set) {
        throw new IllegalStateException(setting + " was already set");
      }
    }
  }
}
