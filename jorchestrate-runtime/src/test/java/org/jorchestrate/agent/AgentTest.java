package org.jorchestrate.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jorchestrate.events.Event;
import org.jorchestrate.events.EventManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** One agent's lifecycle: order of phases and events, failures in each phase, stop. */
@Timeout(60)
class AgentTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  private final EventManager events = EventManager.builder().name("agent-test").build();
  private final List<String> seen = Collections.synchronizedList(new ArrayList<>());

  {
    events.registerAll(this::record);
  }

  private void record(Event event) {
    StringBuilder line = new StringBuilder(event.type().name());
    if (event.has(AgentStateEvent.PHASE)) {
      line.append('(').append(event.get(AgentStateEvent.PHASE)).append(')');
    }
    if (event.has(AgentStateEvent.STATE)) {
      line.append('=').append(event.get(AgentStateEvent.STATE));
    }
    seen.add(event.get(AgentStateEvent.AGENT_NAME) + ":" + line);
  }

  @AfterEach
  void shutDown() {
    events.shutdown();
  }

  /** Records its phases; fails in the phase named by {@code failIn}, if any. */
  private static class Scripted extends Agent {
    final List<String> phases = Collections.synchronizedList(new ArrayList<>());
    private final String failIn;

    Scripted(String name, String failIn) {
      super(name);
      this.failIn = failIn;
    }

    private void phase(String phase) throws Exception {
      phases.add(phase + " on " + Thread.currentThread().getName());
      if (phase.equals(failIn)) {
        throw new IllegalStateException(phase + " broke");
      }
    }

    @Override
    protected void setup() throws Exception {
      phase("setup");
    }

    @Override
    protected void execute() throws Exception {
      phase("execute");
    }

    @Override
    protected void teardown() throws Exception {
      phase("teardown");
    }
  }

  private List<String> eventsOf(String agent) {
    synchronized (seen) {
      return seen.stream().filter(s -> s.startsWith(agent + ":")).map(s -> s.substring(agent.length() + 1)).toList();
    }
  }

  private void awaitEvents(String agent, int count) {
    org.awaitility.Awaitility.await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(2))
        .until(() -> eventsOf(agent).size() >= count);
  }

  @Test
  void successfulAgent_runsPhasesInOrderOnItsThread_andEmitsTheFourEvents() {
    Scripted agent = new Scripted("ok", "");
    agent.useEventManager(events);

    agent.start();

    assertThat(agent.awaitTermination(WAIT)).isTrue();
    assertThat(agent.state()).isEqualTo(AgentState.TERMINATED);
    assertThat(agent.phases)
        .containsExactly(
            "setup on jorchestrate-agent-ok",
            "execute on jorchestrate-agent-ok",
            "teardown on jorchestrate-agent-ok");
    awaitEvents("ok", 4);
    assertThat(eventsOf("ok")).containsExactly("STARTED", "READY", "STOPPED", "TERMINATED=TERMINATED");
  }

  @Test
  void setupFailure_skipsExecute_runsTeardown_endsFailed() {
    Scripted agent = new Scripted("bad-setup", "setup");
    agent.useEventManager(events);

    agent.start();

    assertThat(agent.awaitTermination(WAIT)).isTrue();
    assertThat(agent.state()).isEqualTo(AgentState.FAILED);
    assertThat(agent.phases).hasSize(2).allMatch(p -> !p.startsWith("execute"));
    awaitEvents("bad-setup", 3);
    assertThat(eventsOf("bad-setup")).containsExactly("STARTED", "ERROR(setup)", "TERMINATED=FAILED");
    assertThat(agent.awaitState(AgentState.RUNNING, Duration.ZERO)).isFalse();
  }

  @Test
  void executeFailure_reportsTheErrorMessage_endsFailed() {
    Scripted agent = new Scripted("bad-execute", "execute");
    agent.useEventManager(events);
    List<Event> errors = Collections.synchronizedList(new ArrayList<>());
    events.registerEvent(AgentStateEvent.ERROR, errors::add);

    agent.start();

    assertThat(agent.awaitTermination(WAIT)).isTrue();
    assertThat(agent.state()).isEqualTo(AgentState.FAILED);
    awaitEvents("bad-execute", 4);
    assertThat(eventsOf("bad-execute"))
        .containsExactly("STARTED", "READY", "ERROR(execute)", "TERMINATED=FAILED");
    org.awaitility.Awaitility.await().atMost(WAIT).until(() -> errors.size() == 1);
    Event error = errors.get(0);
    assertThat(error.get(AgentStateEvent.ERROR_MESSAGE))
        .isEqualTo("java.lang.IllegalStateException: execute broke");
    assertThat(error.get(AgentStateEvent.ERROR_TYPE)).isEqualTo("java.lang.IllegalStateException");
  }

  @Test
  void teardownFailure_afterSuccessfulWork_endsFailed() {
    Scripted agent = new Scripted("bad-teardown", "teardown");
    agent.useEventManager(events);

    agent.start();

    assertThat(agent.awaitTermination(WAIT)).isTrue();
    assertThat(agent.state()).isEqualTo(AgentState.FAILED);
    awaitEvents("bad-teardown", 5);
    assertThat(eventsOf("bad-teardown"))
        .containsExactly("STARTED", "READY", "STOPPED", "ERROR(teardown)", "TERMINATED=FAILED");
  }

  @Test
  void errorInExecute_isIsolatedToTheAgent() {
    Agent thrower =
        new Agent("thrower") {
          @Override
          protected void execute() {
            throw new StackOverflowError("deep");
          }
        };
    Scripted healthy = new Scripted("healthy", "");
    thrower.useEventManager(events);
    healthy.useEventManager(events);

    thrower.start();
    healthy.start();

    assertThat(thrower.awaitTermination(WAIT)).isTrue();
    assertThat(healthy.awaitTermination(WAIT)).isTrue();
    assertThat(thrower.state()).isEqualTo(AgentState.FAILED);
    assertThat(healthy.state()).isEqualTo(AgentState.TERMINATED);
  }

  @Test
  void stop_interruptsABlockedAgent_whichEndsStoppedNotFailed() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    AtomicBoolean tornDown = new AtomicBoolean();
    Agent blocked =
        new Agent("blocked") {
          @Override
          protected void execute() throws InterruptedException {
            never.await();
          }

          @Override
          protected void teardown() {
            tornDown.set(!Thread.currentThread().isInterrupted());
          }
        };
    blocked.useEventManager(events);
    blocked.start();
    assertThat(blocked.awaitState(AgentState.RUNNING, WAIT)).isTrue();

    blocked.stop();

    assertThat(blocked.awaitTermination(WAIT)).isTrue();
    assertThat(blocked.state()).isEqualTo(AgentState.TERMINATED);
    assertThat(tornDown).as("teardown ran, not interrupted").isTrue();
    awaitEvents("blocked", 4);
    assertThat(eventsOf("blocked")).containsExactly("STARTED", "READY", "STOPPED", "TERMINATED=TERMINATED");
  }

  @Test
  void stop_duringSetup_skipsExecute() throws Exception {
    CountDownLatch inSetup = new CountDownLatch(1);
    AtomicBoolean executed = new AtomicBoolean();
    Agent slowSetup =
        new Agent("slow-setup") {
          @Override
          protected void setup() throws InterruptedException {
            inSetup.countDown();
            new CountDownLatch(1).await(); // until interrupted by stop()
          }

          @Override
          protected void execute() {
            executed.set(true);
          }
        };
    slowSetup.useEventManager(events);
    slowSetup.start();
    assertThat(inSetup.await(20, TimeUnit.SECONDS)).isTrue();

    slowSetup.stop();

    assertThat(slowSetup.awaitTermination(WAIT)).isTrue();
    assertThat(executed).isFalse();
    assertThat(slowSetup.state()).isEqualTo(AgentState.TERMINATED);
    awaitEvents("slow-setup", 3);
    assertThat(eventsOf("slow-setup")).containsExactly("STARTED", "STOPPED", "TERMINATED=TERMINATED");
  }

  @Test
  void stopBeforeStart_agentStopsAsSoonAsItStarts() {
    Scripted agent = new Scripted("early-stop", "");
    agent.useEventManager(events);

    agent.stop();
    agent.start();

    assertThat(agent.awaitTermination(WAIT)).isTrue();
    assertThat(agent.phases).as("neither setup nor teardown").isEmpty();
    assertThat(agent.state()).isEqualTo(AgentState.TERMINATED);
  }

  @Test
  void awaitState_passedState_countsAsReached() {
    Scripted agent = new Scripted("fast", "");
    agent.useEventManager(events);
    agent.start();
    assertThat(agent.awaitTermination(WAIT)).isTrue();

    assertThat(agent.awaitState(AgentState.STARTING, Duration.ZERO)).isTrue();
    assertThat(agent.awaitState(AgentState.RUNNING, Duration.ZERO)).isTrue();
    assertThat(agent.awaitState(AgentState.STOPPING, Duration.ZERO)).isTrue();
    assertThat(agent.awaitState(AgentState.FAILED, Duration.ZERO)).isFalse();
  }

  @Test
  void awaitState_timeout_returnsFalse_andInterruptKeepsTheFlag() {
    Scripted idle = new Scripted("never-started", "");

    assertThat(idle.awaitState(AgentState.RUNNING, Duration.ofMillis(20))).isFalse();
    Thread.currentThread().interrupt();
    assertThat(idle.awaitState(AgentState.RUNNING, Duration.ofSeconds(10))).isFalse();
    assertThat(Thread.interrupted()).isTrue();
  }

  @Test
  void start_twice_isRejected() {
    Scripted agent = new Scripted("once", "");
    agent.useEventManager(events);
    agent.start();

    assertThatThrownBy(agent::start)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("'once' was already started");
    assertThat(agent.awaitTermination(WAIT)).isTrue();
  }

  @Test
  void useEventManager_afterStart_orASecondOne_isRejected() {
    Scripted agent = new Scripted("managed", "");
    agent.useEventManager(events);
    EventManager other = EventManager.builder().shutdownHook(false).build();
    try {
      assertThatThrownBy(() -> agent.useEventManager(other))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("already emits on");
      agent.start();
      assertThatThrownBy(() -> agent.useEventManager(events))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("before start()");
      assertThat(agent.awaitTermination(WAIT)).isTrue();
    } finally {
      other.shutdown();
    }
  }

  @Test
  void blankName_isRejected() {
    assertThatThrownBy(() -> new Scripted(" ", ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must not be blank");
  }

  @Test
  void standaloneAgent_ownManager_deliversEverythingBeforeItCountsAsEnded() {
    Scripted agent = new Scripted("standalone", "");
    List<String> own = Collections.synchronizedList(new ArrayList<>());
    agent.eventManager().registerAll(e -> own.add(e.type().name()));

    agent.start();

    assertThat(agent.awaitTermination(WAIT)).isTrue();
    assertThat(own).containsExactly("STARTED", "READY", "STOPPED", "TERMINATED");
    assertThat(agent.eventManager().isShutdown()).isTrue();
  }

  @Test
  void customThreadFactory_runsTheAgent() {
    Scripted agent = new Scripted("custom", "");
    agent.useEventManager(events);
    AtomicInteger made = new AtomicInteger();

    agent.start(
        task -> {
          made.incrementAndGet();
          Thread thread = new Thread(task, "my-thread");
          thread.setDaemon(true);
          return thread;
        });

    assertThat(agent.awaitTermination(WAIT)).isTrue();
    assertThat(made).hasValue(1);
    assertThat(agent.phases.get(0)).isEqualTo("setup on my-thread");
  }

  @Test
  void stopSurfacingAsAnotherException_isTheStop_notAFailure() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    Agent io =
        new Agent("io") {
          @Override
          protected void execute() throws Exception {
            try {
              never.await();
            } catch (InterruptedException e) {
              // as a blocking I/O call would report it
              throw new java.io.UncheckedIOException(new java.io.InterruptedIOException("stopped"));
            }
          }
        };
    io.useEventManager(events);
    io.start();
    assertThat(io.awaitState(AgentState.RUNNING, WAIT)).isTrue();

    io.stop();

    assertThat(io.awaitTermination(WAIT)).isTrue();
    assertThat(io.state()).isEqualTo(AgentState.TERMINATED);
    assertThat(io.failure()).isEmpty();
  }

  @Test
  void failure_andWhenTerminated_reportTheOutcome() throws Exception {
    Scripted agent = new Scripted("reporting", "execute");
    agent.useEventManager(events);

    agent.start();

    assertThat(agent.whenTerminated().toCompletableFuture().get(20, TimeUnit.SECONDS))
        .isEqualTo(AgentState.FAILED);
    assertThat(agent.failure()).get().extracting(Throwable::getMessage).isEqualTo("execute broke");
  }

  @Test
  void events_carryTheAgentsId() {
    Scripted first = new Scripted("same-name", "");
    Scripted second = new Scripted("same-name", "");
    List<Object> ids = Collections.synchronizedList(new ArrayList<>());
    events.registerEvent(AgentStateEvent.TERMINATED, e -> ids.add(e.get(AgentStateEvent.AGENT_ID)));
    first.useEventManager(events);
    second.useEventManager(events);

    first.start();
    second.start();

    assertThat(first.awaitTermination(WAIT)).isTrue();
    assertThat(second.awaitTermination(WAIT)).isTrue();
    assertThat(first.id()).isNotEqualTo(second.id());
    assertThat(ids).containsExactlyInAnyOrder(first.id(), second.id());
  }

  @Test
  void threadThatCannotStart_endsTheAgentFailed_withErrorAndTerminated() {
    Scripted agent = new Scripted("unstartable", "");
    agent.useEventManager(events);
    Thread alreadyStarted = new Thread(() -> {});
    alreadyStarted.start();

    assertThatThrownBy(() -> agent.start(task -> alreadyStarted))
        .isInstanceOf(IllegalThreadStateException.class);

    assertThat(agent.state()).isEqualTo(AgentState.FAILED);
    assertThat(agent.awaitTermination(WAIT)).isTrue();
    awaitEvents("unstartable", 2);
    assertThat(eventsOf("unstartable")).containsExactly("ERROR(start)", "TERMINATED=FAILED");
  }
}
