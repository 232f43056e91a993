package org.jorchestrate.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The idle spin: how long a worker that caught up with a subscription watches for its next event.
 * It changes latency and CPU use only, never what is delivered, and it never delays a shutdown.
 */
@Timeout(60)
class IdleSpinTest {

  /*
   * Leaves the subscription idle for this long. The pause is the input of the test (the spin adapts
   * to the gaps between events), not a wait for something to happen.
   */
  private static void pause(Duration gap) {
    long deadline = System.nanoTime() + gap.toNanos();
    for (long left = gap.toNanos(); left > 0; left = deadline - System.nanoTime()) {
      LockSupport.parkNanos(left);
    }
  }

  @Test
  void noSpin_everyEventAfterAnIdlePeriodIsStillDelivered() throws Exception {
    try (EventManager events =
        EventManager.builder().idleSpin(Duration.ZERO).shutdownHook(false).build()) {
      Recorder recorder = new Recorder();
      events.registerEvent(TestEvents.TASK_STARTED, recorder);

      for (int i = 0; i < 20; i++) {
        Emission emission = events.emit(TestEvents.TASK_STARTED, "i", i);
        assertThat(emission.await(Duration.ofSeconds(10))).isTrue();
        pause(Duration.ofMillis(1)); // each event finds its subscription idle
      }

      assertThat(recorder.events()).extracting(e -> e.get("i")).hasSize(20).isSorted();
    }
  }

  @Test
  void longSpin_shutdownEndsTheWatch_ratherThanGivingUpOnIt() throws Exception {
    // The spin adapts to twice the last gap, up to the bound: after a 400 ms gap the worker watches
    // for 800 ms once it delivered the next event, longer than the shutdown's grace period.
    EventManager events =
        EventManager.builder()
            .name("spin")
            .idleSpin(Duration.ofSeconds(1))
            .shutdownTimeout(Duration.ofMillis(200))
            .shutdownHook(false)
            .build();
    Recorder recorder = new Recorder();
    events.registerEvent(TestEvents.TASK_STARTED, recorder);
    assertThat(events.emit(TestEvents.TASK_STARTED).await(Duration.ofSeconds(10))).isTrue();
    pause(Duration.ofMillis(400));
    assertThat(events.emit(TestEvents.TASK_STARTED).await(Duration.ofSeconds(10))).isTrue();

    try (LogCapture log = new LogCapture()) {
      events.shutdown();

      assertThat(events.isTerminated()).isTrue();
      assertThat(log.text()).doesNotContain("gave up");
    }
    assertThat(recorder.events()).hasSize(2);
  }
}
