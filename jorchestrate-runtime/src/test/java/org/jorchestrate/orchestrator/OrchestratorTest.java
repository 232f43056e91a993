package org.jorchestrate.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jorchestrate.agent.Agent;
import org.jorchestrate.agent.AgentState;
import org.jorchestrate.agent.AgentStateEvent;
import org.jorchestrate.events.Event;
import org.jorchestrate.events.EventManager;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class OrchestratorTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  /** An agent that does nothing, or throws in the given phase. */
  private static Agent agent(String name, String failIn) {
    return new Agent(name) {
      @Override
      protected void setup() {
        if (failIn.equals("setup")) {
          throw new IllegalStateException("setup of " + name);
        }
      }

      @Override
      protected void execute() {
        if (failIn.equals("execute")) {
          throw new IllegalStateException("execute of " + name);
        }
      }

      @Override
      protected void teardown() {
        if (failIn.equals("teardown")) {
          throw new IllegalStateException("teardown of " + name);
        }
      }
    };
  }

  private static Agent blockedUntilStopped(String name) {
    return new Agent(name) {
      @Override
      protected void execute() throws InterruptedException {
        new CountDownLatch(1).await();
      }
    };
  }

  private static List<Event> ofType(Orchestrator orchestrator, Enum<?> type) {
    return orchestrator.history().byType(type);
  }

  @Test
  void specSnippets_workAsWritten() {
    List<String> printed = Collections.synchronizedList(new ArrayList<>());
    try (Orchestrator orchestrator = new Orchestrator()) {
      orchestrator.register(agent("collector", ""));
      orchestrator
          .eventManager()
          .registerEvent(
              AgentStateEvent.STARTED,
              e -> printed.add("Agent " + e.get("agent_name") + " started at " + e.eventTime()));
      orchestrator
          .eventManager()
          .registerEvent(
              OrchestratorEvent.ALL_AGENTS_TERMINATED,
              e -> printed.add("All agents terminated at " + e.eventTime()));

      orchestrator.run();

      // run() returns after every callback of the run ran; two subscriptions, so in any order
      assertThat(printed)
          .hasSize(2)
          .anyMatch(l -> l.matches("Agent collector started at \\d{2}:\\d{2}:\\d{2}\\.\\d{6}"))
          .anyMatch(l -> l.matches("All agents terminated at \\d{2}:\\d{2}:\\d{2}\\.\\d{6}"));
    }
  }

  @Test
  void run_mixOfOutcomes_translatesEvents_andEmitsAllTerminatedOnceWithCounts() {
    try (Orchestrator orchestrator = new Orchestrator()) {
      orchestrator
          .register(agent("fine", ""))
          .register(agent("bad-setup", "setup"))
          .register(agent("bad-execute", "execute"))
          .register(agent("bad-teardown", "teardown"));

      orchestrator.run();

      List<Event> all = ofType(orchestrator, OrchestratorEvent.ALL_AGENTS_TERMINATED);
      assertThat(all).hasSize(1);
      assertThat(all.get(0).get(OrchestratorEvent.AGENTS)).isEqualTo(4);
      assertThat(all.get(0).get(OrchestratorEvent.FAILED)).isEqualTo(3);
      assertThat(all.get(0).get(OrchestratorEvent.ABANDONED)).isEqualTo(0);
      assertThat(ofType(orchestrator, OrchestratorEvent.AGENT_TERMINATED)).hasSize(4);
      assertThat(ofType(orchestrator, OrchestratorEvent.AGENT_STARTED)).hasSize(4);
      assertThat(ofType(orchestrator, OrchestratorEvent.AGENT_READY)).hasSize(3);
      assertThat(ofType(orchestrator, OrchestratorEvent.AGENT_ERROR))
          .extracting(e -> e.get(OrchestratorEvent.AGENT_NAME) + " " + e.get(OrchestratorEvent.PHASE))
          .containsExactlyInAnyOrder(
              "bad-setup setup", "bad-execute execute", "bad-teardown teardown");
      assertThat(orchestrator.history().byAgent("bad-execute"))
          .extracting(e -> e.type().name())
          .containsSubsequence("STARTED", "READY", "ERROR", "TERMINATED");
      // ALL_AGENTS_TERMINATED comes after the last AGENT_TERMINATED
      List<Event> last = orchestrator.history().last(Integer.MAX_VALUE);
      int allAt = last.indexOf(all.get(0));
      assertThat(last.subList(allAt, last.size()))
          .noneMatch(e -> e.type() == OrchestratorEvent.AGENT_TERMINATED);
      assertThat(orchestrator.agents())
          .extracting(Agent::state)
          .containsExactly(
              AgentState.TERMINATED, AgentState.FAILED, AgentState.FAILED, AgentState.FAILED);
    }
  }

  @Test
  void agentError_carriesTheErrorMessage() {
    try (Orchestrator orchestrator = new Orchestrator()) {
      orchestrator.register(agent("broken", "execute"));

      orchestrator.run();

      assertThat(ofType(orchestrator, OrchestratorEvent.AGENT_ERROR))
          .singleElement()
          .extracting(e -> e.get(OrchestratorEvent.ERROR_MESSAGE))
          .isEqualTo("java.lang.IllegalStateException: execute of broken");
    }
  }

  @Test
  void noAgents_runReturns_andAllTerminatedIsEmittedOnce() {
    try (Orchestrator orchestrator = new Orchestrator()) {
      orchestrator.run();

      assertThat(ofType(orchestrator, OrchestratorEvent.ALL_AGENTS_TERMINATED)).hasSize(1);
      assertThat(orchestrator.awaitTermination(Duration.ZERO)).isTrue();
    }
  }

  @Test
  void register_duplicateName_isRejected() {
    try (Orchestrator orchestrator = new Orchestrator()) {
      orchestrator.register(agent("twin", ""));

      assertThatThrownBy(() -> orchestrator.register(agent("twin", "")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("already has an agent named 'twin'");
    }
  }

  @Test
  void register_afterStart_isRejected_andStartTwiceToo() {
    try (Orchestrator orchestrator = new Orchestrator()) {
      orchestrator.start();

      assertThatThrownBy(() -> orchestrator.register(agent("late", "")))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("register agents before start()");
      assertThatThrownBy(orchestrator::start).isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void stop_interruptsBlockedAgents_andRunReturns() throws Exception {
    try (Orchestrator orchestrator = new Orchestrator()) {
      orchestrator.register(blockedUntilStopped("a")).register(blockedUntilStopped("b"));
      Thread runner = new Thread(orchestrator::run);
      runner.start();
      for (Agent agent : orchestrator.agents()) {
        assertThat(agent.awaitState(AgentState.RUNNING, WAIT)).isTrue();
      }

      orchestrator.stop();
      runner.join(TimeUnit.SECONDS.toMillis(30));

      assertThat(runner.isAlive()).isFalse();
      assertThat(orchestrator.agents()).allMatch(a -> a.state() == AgentState.TERMINATED);
      List<Event> all = ofType(orchestrator, OrchestratorEvent.ALL_AGENTS_TERMINATED);
      assertThat(all).hasSize(1);
      assertThat(all.get(0).get(OrchestratorEvent.FAILED)).isEqualTo(0);
    }
  }

  @Test
  void stop_agentIgnoringInterrupts_isGivenUpOnAfterTheTimeout_andReportedOnce()
      throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Agent stubborn =
        new Agent("stubborn") {
          @Override
          protected void execute() {
            while (true) {
              try {
                if (release.await(10, TimeUnit.SECONDS)) {
                  return;
                }
              } catch (InterruptedException ignored) {
                // ignores stop requests on purpose
              }
            }
          }
        };
    Orchestrator orchestrator =
        Orchestrator.builder().stopTimeout(Duration.ofMillis(300)).build();
    try {
      orchestrator.register(stubborn).register(blockedUntilStopped("cooperative"));
      Thread runner = new Thread(orchestrator::run);
      runner.start();
      assertThat(stubborn.awaitState(AgentState.RUNNING, WAIT)).isTrue();

      orchestrator.stop();
      runner.join(TimeUnit.SECONDS.toMillis(30));

      assertThat(runner.isAlive()).as("run() returned").isFalse();
      List<Event> all = ofType(orchestrator, OrchestratorEvent.ALL_AGENTS_TERMINATED);
      assertThat(all).hasSize(1);
      assertThat(all.get(0).get(OrchestratorEvent.ABANDONED)).isEqualTo(1);
      assertThat(ofType(orchestrator, OrchestratorEvent.AGENT_ERROR))
          .singleElement()
          .satisfies(
              e -> {
                assertThat(e.get(OrchestratorEvent.AGENT_NAME)).isEqualTo("stubborn");
                assertThat(e.get(OrchestratorEvent.PHASE)).isEqualTo("stop");
                assertThat((String) e.get(OrchestratorEvent.ERROR_MESSAGE))
                    .contains("did not stop within PT0.3S");
              });

      release.countDown(); // it ends after all: reported, but never a second ALL_AGENTS_TERMINATED
      assertThat(stubborn.awaitTermination(WAIT)).isTrue();
      org.awaitility.Awaitility.await()
          .atMost(WAIT)
          .until(() -> orchestrator.history().byAgent("stubborn").stream()
              .anyMatch(e -> e.type() == OrchestratorEvent.AGENT_TERMINATED));
      assertThat(ofType(orchestrator, OrchestratorEvent.ALL_AGENTS_TERMINATED)).hasSize(1);
    } finally {
      orchestrator.close();
    }
  }

  @Test
  void run_interrupted_stopsTheAgents_andKeepsTheInterrupt() throws Exception {
    Orchestrator orchestrator = new Orchestrator();
    try {
      orchestrator.register(blockedUntilStopped("sleeper"));
      AtomicInteger interruptKept = new AtomicInteger();
      Thread runner =
          new Thread(
              () -> {
                orchestrator.run();
                interruptKept.set(Thread.currentThread().isInterrupted() ? 1 : 2);
              });
      runner.start();
      assertThat(orchestrator.agents().get(0).awaitState(AgentState.RUNNING, WAIT)).isTrue();

      runner.interrupt();
      runner.join(TimeUnit.SECONDS.toMillis(30));

      assertThat(interruptKept).hasValue(1);
      assertThat(orchestrator.agents().get(0).state()).isEqualTo(AgentState.TERMINATED);
      assertThat(ofType(orchestrator, OrchestratorEvent.ALL_AGENTS_TERMINATED)).hasSize(1);
    } finally {
      orchestrator.close();
    }
  }

  @Test
  void manyAgents_onPlatformThreads_allEnd_andAllTerminatedOnce() {
    int count = 500;
    Orchestrator orchestrator =
        Orchestrator.builder().historyCapacity(10 * count).build();
    try {
      for (int i = 0; i < count; i++) {
        orchestrator.register(agent("agent-" + i, i % 10 == 0 ? "execute" : ""));
      }

      orchestrator.run();

      List<Event> all = ofType(orchestrator, OrchestratorEvent.ALL_AGENTS_TERMINATED);
      assertThat(all).hasSize(1);
      assertThat(all.get(0).get(OrchestratorEvent.AGENTS)).isEqualTo(count);
      assertThat(all.get(0).get(OrchestratorEvent.FAILED)).isEqualTo(count / 10);
      assertThat(ofType(orchestrator, OrchestratorEvent.AGENT_TERMINATED)).hasSize(count);
      assertThat(orchestrator.agents()).allMatch(a -> a.state().isTerminal());
    } finally {
      orchestrator.close();
    }
  }

  @RepeatedTest(30)
  void allTerminated_exactlyOnce_whenStopRacesAgentsEndingOnTheirOwn() throws Exception {
    Orchestrator orchestrator =
        Orchestrator.builder().stopTimeout(Duration.ofSeconds(20)).build();
    try {
      int agents = 8;
      for (int i = 0; i < agents; i++) {
        orchestrator.register(
            ThreadLocalRandom.current().nextBoolean()
                ? agent("quick-" + i, ThreadLocalRandom.current().nextInt(4) == 0 ? "execute" : "")
                : blockedUntilStopped("blocked-" + i));
      }
      orchestrator.start();
      Thread stopper = new Thread(orchestrator::stop);
      stopper.start();
      Thread secondStopper = new Thread(orchestrator::stop);
      secondStopper.start();
      stopper.join(30_000);
      secondStopper.join(30_000);

      assertThat(orchestrator.awaitTermination(WAIT)).isTrue();
      assertThat(ofType(orchestrator, OrchestratorEvent.ALL_AGENTS_TERMINATED)).hasSize(1);
      assertThat(ofType(orchestrator, OrchestratorEvent.AGENT_TERMINATED)).hasSize(agents);
    } finally {
      orchestrator.close();
    }
  }

  @Test
  void sharedManager_isNotShutDownByClose_ownManagerIs() {
    EventManager shared = EventManager.builder().shutdownHook(false).build();
    try {
      Orchestrator onShared = new Orchestrator(shared);
      onShared.register(agent("x", ""));
      onShared.run();
      onShared.close();
      assertThat(shared.isShutdown()).isFalse();

      Orchestrator own = new Orchestrator();
      own.close();
      assertThat(own.eventManager().isShutdown()).isTrue();
    } finally {
      shared.shutdown();
    }
  }

  @Test
  void awaitTermination_beforeStart_isFalse() {
    try (Orchestrator orchestrator = new Orchestrator()) {
      assertThat(orchestrator.awaitTermination(Duration.ofMillis(10))).isFalse();
    }
  }

  @Test
  void sharedManagerShutDownWhileAgentsRun_runStillReturns() throws Exception {
    EventManager shared = EventManager.builder().shutdownHook(false).build();
    CountDownLatch release = new CountDownLatch(1);
    Orchestrator orchestrator = new Orchestrator(shared);
    orchestrator.register(
        new Agent("outlives-its-manager") {
          @Override
          protected void execute() throws InterruptedException {
            release.await();
          }
        });
    Thread runner = new Thread(orchestrator::run);
    runner.start();
    assertThat(orchestrator.agents().get(0).awaitState(AgentState.RUNNING, WAIT)).isTrue();

    shared.shutdown(); // its TERMINATED event will be refused
    release.countDown();
    runner.join(TimeUnit.SECONDS.toMillis(30));

    assertThat(runner.isAlive()).as("run() returned").isFalse();
    assertThat(orchestrator.awaitTermination(Duration.ZERO)).isTrue();
    orchestrator.close();
  }

  @Test
  void droppingPolicyLosingTerminatedEvents_runStillReturns_andCountsEveryAgent() {
    EventManager lossy =
        EventManager.builder()
            .queueCapacity(1)
            .overflow(org.jorchestrate.events.OverflowPolicy.DROP_NEWEST)
            .shutdownHook(false)
            .build();
    try {
      Orchestrator orchestrator =
          Orchestrator.builder().eventManager(lossy).historyCapacity(1_000).build();
      for (int i = 0; i < 20; i++) {
        orchestrator.register(agent("lossy-" + i, ""));
      }

      orchestrator.run();

      assertThat(orchestrator.agents()).allMatch(a -> a.state() == AgentState.TERMINATED);
      assertThat(orchestrator.awaitTermination(Duration.ZERO)).isTrue();
      orchestrator.close();
    } finally {
      lossy.shutdown();
    }
  }

  @Test
  void stop_calledWithTheInterruptFlagSet_stillWaitsForCooperativeAgents() throws Exception {
    Orchestrator orchestrator = new Orchestrator();
    try {
      orchestrator.register(
          new Agent("slow-teardown") {
            @Override
            protected void execute() throws InterruptedException {
              new CountDownLatch(1).await();
            }

            @Override
            protected void teardown() {
              java.util.concurrent.locks.LockSupport.parkNanos(
                  Duration.ofMillis(100).toNanos()); // the agent's own slow work
            }
          });
      orchestrator.start();
      assertThat(orchestrator.agents().get(0).awaitState(AgentState.RUNNING, WAIT)).isTrue();

      Thread.currentThread().interrupt();
      orchestrator.stop();

      assertThat(Thread.interrupted()).as("interrupt restored").isTrue();
      List<Event> all = ofType(orchestrator, OrchestratorEvent.ALL_AGENTS_TERMINATED);
      assertThat(all).hasSize(1);
      assertThat(all.get(0).get(OrchestratorEvent.ABANDONED)).isEqualTo(0);
      assertThat(ofType(orchestrator, OrchestratorEvent.AGENT_ERROR)).isEmpty();
    } finally {
      orchestrator.close();
    }
  }

  @Test
  @Timeout(20) // stop() waiting for its own callback would take the whole 60 s stop timeout
  void stop_fromACallback_doesNotWaitForItself() throws Exception {
    Orchestrator orchestrator =
        Orchestrator.builder().stopTimeout(Duration.ofSeconds(60)).build();
    try {
      CountDownLatch stopReturned = new CountDownLatch(1);
      orchestrator
          .register(agent("fails", "execute"))
          .register(blockedUntilStopped("worker"));
      orchestrator
          .eventManager()
          .registerEvent(
              OrchestratorEvent.AGENT_ERROR,
              e -> {
                orchestrator.stop(); // "stop everything when one fails"
                stopReturned.countDown();
              });

      orchestrator.run();

      assertThat(stopReturned.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(ofType(orchestrator, OrchestratorEvent.ALL_AGENTS_TERMINATED)).hasSize(1);
    } finally {
      orchestrator.close();
    }
  }

  @Test
  void twoOrchestratorsOnOneManager_withSameAgentNames_trackOnlyTheirOwn() throws Exception {
    EventManager shared = EventManager.builder().shutdownHook(false).build();
    try {
      Orchestrator first = Orchestrator.builder().eventManager(shared).name("first").build();
      Orchestrator second = Orchestrator.builder().eventManager(shared).name("second").build();
      first.register(agent("w", ""));
      second.register(blockedUntilStopped("w"));
      second.start();
      assertThat(second.agents().get(0).awaitState(AgentState.RUNNING, WAIT)).isTrue();

      first.run();

      assertThat(second.awaitTermination(Duration.ofMillis(50))).isFalse();
      assertThat(second.agents().get(0).state()).isEqualTo(AgentState.RUNNING);
      second.stop();
      assertThat(second.awaitTermination(WAIT)).isTrue();
      first.close();
      second.close();
    } finally {
      shared.shutdown();
    }
  }

  @Test
  void close_onASharedManager_stopsRecordingHistory() {
    EventManager shared = EventManager.builder().synchronous().shutdownHook(false).build();
    try {
      Orchestrator orchestrator = new Orchestrator(shared);
      orchestrator.run();
      orchestrator.close();
      long recorded = orchestrator.history().recorded();

      shared.emit(AgentStateEvent.STARTED, AgentStateEvent.AGENT_NAME, "x");

      assertThat(orchestrator.history().recorded()).isEqualTo(recorded);
    } finally {
      shared.shutdown();
    }
  }

  @Test
  void register_agentWithItsOwnManager_explainsWhereToRegisterCallbacks() {
    Agent agent = agent("own", "");
    agent.eventManager().registerAll(e -> {});
    try (Orchestrator orchestrator = new Orchestrator()) {
      assertThatThrownBy(() -> orchestrator.register(agent))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("register callbacks on the orchestrator's eventManager()");
    } finally {
      agent.eventManager().shutdown();
    }
  }

  @Test
  void start_afterStopBeforeStart_saysSo() {
    try (Orchestrator orchestrator = new Orchestrator()) {
      orchestrator.stop();

      assertThatThrownBy(orchestrator::start)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("was stopped before it started");
    }
  }
}
