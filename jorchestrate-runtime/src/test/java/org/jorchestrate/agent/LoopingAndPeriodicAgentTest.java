package org.jorchestrate.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jorchestrate.events.EventManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class LoopingAndPeriodicAgentTest {

  private static final Duration WAIT = Duration.ofSeconds(20);
  private final EventManager events = EventManager.builder().shutdownHook(false).build();

  @AfterEach
  void shutDown() {
    events.shutdown();
  }

  @Test
  void loopingAgent_loopsUntilStopped() throws Exception {
    AtomicInteger turns = new AtomicInteger();
    CountDownLatch hundred = new CountDownLatch(100);
    LoopingAgent looper =
        new LoopingAgent("looper") {
          @Override
          protected void loop() {
            turns.incrementAndGet();
            hundred.countDown();
          }
        };
    looper.useEventManager(events);
    looper.start();
    assertThat(hundred.await(20, TimeUnit.SECONDS)).isTrue();

    looper.stop();

    assertThat(looper.awaitTermination(WAIT)).isTrue();
    assertThat(looper.state()).isEqualTo(AgentState.TERMINATED);
    assertThat(turns.get()).isGreaterThanOrEqualTo(100);
  }

  @Test
  void loopingAgent_canStopItself() {
    AtomicInteger turns = new AtomicInteger();
    LoopingAgent counter =
        new LoopingAgent("self-stopper") {
          @Override
          protected void loop() {
            if (turns.incrementAndGet() == 10) {
              stop();
            }
          }
        };
    counter.useEventManager(events);

    counter.start();

    assertThat(counter.awaitTermination(WAIT)).isTrue();
    assertThat(turns).hasValue(10);
    assertThat(counter.state()).isEqualTo(AgentState.TERMINATED);
  }

  @Test
  void periodicAgent_runsExactlyLimitTimes_thenEnds() {
    AtomicInteger calls = new AtomicInteger();
    PeriodicAgent ticker =
        new PeriodicAgent("ticker", Duration.ofMillis(5), 4) {
          @Override
          protected void runner() {
            calls.incrementAndGet();
          }
        };
    ticker.useEventManager(events);

    ticker.start();

    assertThat(ticker.awaitTermination(WAIT)).isTrue();
    assertThat(calls).hasValue(4);
    assertThat(ticker.runs()).isEqualTo(4);
    assertThat(ticker.state()).isEqualTo(AgentState.TERMINATED);
  }

  @Test
  void periodicAgent_unlimited_isStoppedPromptlyWhileWaiting() throws Exception {
    CountDownLatch firstCall = new CountDownLatch(1);
    PeriodicAgent hourly =
        new PeriodicAgent("hourly", Duration.ofHours(1), 0) {
          @Override
          protected void runner() {
            firstCall.countDown();
          }
        };
    hourly.useEventManager(events);
    hourly.start();
    assertThat(firstCall.await(20, TimeUnit.SECONDS)).isTrue();

    hourly.stop(); // it waits an hour for its next call: the interrupt ends the wait

    assertThat(hourly.awaitTermination(WAIT)).isTrue();
    assertThat(hourly.state()).isEqualTo(AgentState.TERMINATED);
    assertThat(hourly.runs()).isEqualTo(1);
  }

  @Test
  void periodicAgent_failingRunner_endsFailedWithoutFurtherCalls() {
    AtomicInteger calls = new AtomicInteger();
    PeriodicAgent flaky =
        new PeriodicAgent("flaky", Duration.ofMillis(1), 10) {
          @Override
          protected void runner() {
            if (calls.incrementAndGet() == 3) {
              throw new IllegalStateException("third call fails");
            }
          }
        };
    flaky.useEventManager(events);

    flaky.start();

    assertThat(flaky.awaitTermination(WAIT)).isTrue();
    assertThat(flaky.state()).isEqualTo(AgentState.FAILED);
    assertThat(calls).hasValue(3);
  }

  @Test
  void periodicAgent_nonPositiveInterval_isRejected() {
    assertThatThrownBy(
            () ->
                new PeriodicAgent("bad", Duration.ZERO, 1) {
                  @Override
                  protected void runner() {}
                })
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("interval of periodic agent 'bad' must be positive");
  }
}
