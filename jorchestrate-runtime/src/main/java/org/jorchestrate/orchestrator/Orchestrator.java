package org.jorchestrate.orchestrator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
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
 *       e -> System.out.println("Agent " + e.get("agent_name") + " started at " + e.eventTime()));
 *   orchestrator.eventManager().registerEvent(OrchestratorEvent.ALL_AGENTS_TERMINATED,
 *       e -> System.out.println("All agents terminated at " + e.eventTime()));
 *   orchestrator.run();   // start every agent, return once all ended
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
 *       ERROR → AGENT_ERROR}, {@code TERMINATED → AGENT_TERMINATED}) and emits {@link
 *       OrchestratorEvent#ALL_AGENTS_TERMINATED} exactly once, after the last agent ended, whatever
 *       the mix of success, failure and stop.
 *   <li>An {@link EventHistory} records every event of the manager, bounded.
 *   <li>{@link #stop()} asks every agent to stop and waits up to the stop timeout (10 seconds by
 *       default); an agent still running then is given up on: logged, reported as {@code
 *       AGENT_ERROR} with phase {@code stop}, and counted as ended so that {@code run()} returns.
 *       Its thread (a daemon by default) keeps running until it returns.
 * </ul>
 *
 * <p>Agent names identify agents in events, so they must be unique among the agents that share an
 * event manager. All methods are thread-safe. An orchestrator runs its agents once.
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

  private final String name;
  private final EventManager events;
  private final boolean ownsEvents;
  private final EventHistory history;
  private final Duration stopTimeout;
  private final @Nullable ThreadFactory threadFactory;
  private final Subscription tracking;

  private final Object lock = new Object();
  private final Map<String, Agent> agents = new LinkedHashMap<>(); // guarded by lock
  private final Set<String> ended = new HashSet<>(); // guarded by lock
  private int failed; // guarded by lock
  private int abandoned; // guarded by lock
  private Phase phase = Phase.NEW; // guarded by lock
  private boolean allTerminatedEmitted; // guarded by lock
  private final CountDownLatch allEnded = new CountDownLatch(1);
  private final List<Emission> emitted = new ArrayList<>(); // guarded by lock; ~4 per agent

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
      if (agents.containsKey(agent.name())) {
        throw new IllegalArgumentException(
            "orchestrator '"
                + name
                + "' already has an agent named '"
                + agent.name()
                + "'; agent names identify their events and must be unique");
      }
      agent.useEventManager(events);
      agents.put(agent.name(), agent);
    }
    return this;
  }

  /**
   * Returns the registered agents.
   *
   * @return an unmodifiable snapshot, in registration order
   */
  public List<Agent> agents() {
    synchronized (lock) {
      return List.copyOf(agents.values());
    }
  }

  /**
   * Starts every registered agent on its own thread, and returns. With no agent registered, {@code
   * ALL_AGENTS_TERMINATED} is emitted at once.
   *
   * @throws IllegalStateException if already started
   */
  public void start() {
    List<Agent> toStart;
    synchronized (lock) {
      if (phase != Phase.NEW) {
        throw new IllegalStateException("orchestrator '" + name + "' was already started");
      }
      phase = Phase.RUNNING;
      toStart = List.copyOf(agents.values());
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
        LOG.error("Orchestrator '{}' could not start agent '{}'", name, agent.name(), failure);
        emitQuietly(
            OrchestratorEvent.AGENT_ERROR,
            OrchestratorEvent.AGENT_NAME,
            agent.name(),
            OrchestratorEvent.ERROR_MESSAGE,
            failure.toString(),
            OrchestratorEvent.PHASE,
            "start");
        agentEnded(agent.name(), true, false);
      }
    }
  }

  /**
   * Starts every agent, then waits until all of them ended and every callback of the run's events
   * has run ({@code ALL_AGENTS_TERMINATED} last; this last wait is bounded by the stop timeout). If
   * the calling thread is interrupted meanwhile, the agents are stopped (as by {@link #stop()}) and
   * the method returns with the interrupt status set.
   *
   * @throws IllegalStateException if already started
   */
  public void run() {
    start();
    try {
      allEnded.await();
    } catch (InterruptedException e) {
      LOG.info("Orchestrator '{}' interrupted while running: stopping its agents", name);
      stop();
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
   * Asks every agent to stop, waits up to the stop timeout for them to end, gives up on those still
   * running (see the class description), and returns once {@code ALL_AGENTS_TERMINATED} was
   * emitted. Before {@link #start()} it only prevents a later start. Idempotent.
   */
  public void stop() {
    List<Agent> running;
    synchronized (lock) {
      if (phase == Phase.NEW) {
        phase = Phase.DONE;
        return;
      }
      running = List.copyOf(agents.values());
    }
    long deadline = System.nanoTime() + stopTimeout.toNanos();
    for (Agent agent : running) {
      agent.stop();
    }
    boolean interrupted = false;
    try {
      if (!allEnded.await(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
        abandonStragglers(running);
      }
    } catch (InterruptedException e) {
      interrupted = true;
      abandonStragglers(running);
    }
    awaitDelivery(deadline);
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops the agents (as {@link #stop()}), then shuts down the event manager if it is its own. */
  @Override
  public void close() {
    stop();
    tracking.unsubscribe();
    if (ownsEvents) {
      events.shutdown();
    }
  }

  @Override
  public String toString() {
    synchronized (lock) {
      return "Orchestrator[" + name + ", " + phase + ", " + agents.size() + " agents]";
    }
  }

  // ------------------------------------------------------------------ following the agents

  /* The tracking subscription's callback: one at a time, in each agent's emission order. */
  private void follow(Event event) {
    if (!(event.type() instanceof AgentStateEvent type)) {
      return;
    }
    Object agentName = event.get(AgentStateEvent.AGENT_NAME);
    if (!(agentName instanceof String agent) || !isOurs(agent)) {
      return;
    }
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
              OrchestratorEvent.PHASE,
              String.valueOf(event.get(AgentStateEvent.PHASE)));
      case TERMINATED -> {
        String state = String.valueOf(event.get(AgentStateEvent.STATE));
        emitQuietly(
            OrchestratorEvent.AGENT_TERMINATED,
            OrchestratorEvent.AGENT_NAME,
            agent,
            OrchestratorEvent.STATE,
            state);
        agentEnded(agent, AgentState.FAILED.name().equals(state), false);
      }
      case STOPPED -> {
        // no orchestrator event of its own; AGENT_TERMINATED follows
      }
    }
  }

  private boolean isOurs(String agentName) {
    synchronized (lock) {
      return agents.containsKey(agentName);
    }
  }

  private void abandonStragglers(List<Agent> agentsToCheck) {
    for (Agent agent : agentsToCheck) {
      if (!agent.state().isTerminal()) {
        String message =
            "agent '"
                + agent.name()
                + "' did not stop within "
                + stopTimeout
                + " ("
                + agent.state()
                + "); given up on, its thread keeps running until it returns";
        LOG.warn("Orchestrator '{}': {}", name, message);
        emitQuietly(
            OrchestratorEvent.AGENT_ERROR,
            OrchestratorEvent.AGENT_NAME,
            agent.name(),
            OrchestratorEvent.ERROR_MESSAGE,
            message,
            OrchestratorEvent.PHASE,
            "stop");
        agentEnded(agent.name(), false, true);
      }
    }
  }

  private void agentEnded(String agent, boolean agentFailed, boolean agentAbandoned) {
    synchronized (lock) {
      if (!ended.add(agent)) {
        return; // already counted (an abandoned agent that ended after all)
      }
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
      if (allTerminatedEmitted || phase == Phase.NEW || ended.size() < agents.size()) {
        return;
      }
      allTerminatedEmitted = true;
      phase = Phase.DONE;
      total = agents.size();
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
        "Orchestrator '{}': all {} agent(s) ended ({} failed, {} abandoned)",
        name,
        total,
        failedCount,
        abandonedCount);
    allEnded.countDown();
  }

  /* Waits until every event of the run was delivered: the agents' and the orchestrator's. */
  private boolean awaitDelivery(long deadline) {
    List<Agent> all;
    List<Emission> ours;
    synchronized (lock) {
      all = List.copyOf(agents.values());
      ours = List.copyOf(emitted);
    }
    try {
      for (Agent agent : all) {
        if (agent.state().isTerminal() && !agent.awaitTermination(remaining(deadline))) {
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
     * Sets how long {@link Orchestrator#stop()} waits for the agents before giving up on them.
     * Default: 10 seconds.
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
