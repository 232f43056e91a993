package org.jorchestrate.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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

  /*
   * Brings a subscription's worker into a long watch: the spin adapts to twice the last gap, up to
   * the bound, so after a 500 ms gap the worker watches for the whole second once it delivered the
   * next event. Returns that worker, seen busy (runnable) for 200 ms after the delivery; `worker`
   * is set to the thread of each delivery. On one processor no worker ever spins: there it checks
   * that the worker parks instead.
   */
  private static Thread workerInALongWatch(EventManager events, AtomicReference<Thread> worker)
      throws InterruptedException {
    events.registerEvent(TestEvents.TASK_STARTED, e -> worker.set(Thread.currentThread()));
    assertThat(events.emit(TestEvents.TASK_STARTED).await(Duration.ofSeconds(10))).isTrue();
    pause(Duration.ofMillis(500));
    assertThat(events.emit(TestEvents.TASK_STARTED).await(Duration.ofSeconds(10))).isTrue();
    Thread spinning = worker.get();
    if (Runtime.getRuntime().availableProcessors() < 2) {
      Awaits.await().until(() -> spinning.getState() != Thread.State.RUNNABLE);
      return spinning;
    }
    Awaitility.await()
        .during(Duration.ofMillis(200))
        .atMost(Duration.ofMillis(700))
        .until(() -> spinning.getState() == Thread.State.RUNNABLE);
    return spinning;
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
  void longSpin_keepsTheWorkerWatching_thenDeliversTheNextEventOnIt() throws Exception {
    try (EventManager events =
        EventManager.builder().idleSpin(Duration.ofSeconds(1)).shutdownHook(false).build()) {
      AtomicReference<Thread> worker = new AtomicReference<>();
      Thread spinning = workerInALongWatch(events, worker);

      assertThat(events.emit(TestEvents.TASK_STARTED).await(Duration.ofSeconds(10))).isTrue();

      if (Runtime.getRuntime().availableProcessors() >= 2) {
        assertThat(worker.get()).isSameAs(spinning); // no hand-off: the watching worker took it
      }
    }
  }

  @Test
  void longSpin_shutdownEndsTheWatch_ratherThanGivingUpOnIt() throws Exception {
    // The watch (about a second) is longer than the shutdown's grace period.
    try (EventManager events =
        EventManager.builder()
            .name("spin")
            .idleSpin(Duration.ofSeconds(1))
            .shutdownTimeout(Duration.ofMillis(200))
            .shutdownHook(false)
            .build()) {
      workerInALongWatch(events, new AtomicReference<>());

      try (LogCapture log = new LogCapture()) {
        events.shutdown();

        assertThat(events.isTerminated()).isTrue();
        assertThat(log.text()).doesNotContain("gave up");
      }
    }
  }

  @Test
  void fastStreamThatStops_isDeliveredWhole_inOrder_withoutWaitingForTheWatchToEnd()
      throws Exception {
    // A watching worker trails a lasting fast stream a few dozen events behind its newest; once
    // the stream stops it takes the rest at its next look, microseconds later, not when its watch
    // (here about a second) ends. Bursts of random length stop the stream at any point.
    try (EventManager events =
        EventManager.builder().idleSpin(Duration.ofSeconds(1)).shutdownHook(false).build()) {
      List<Long> seen = new ArrayList<>(); // written by one callback at a time, read after await
      events.registerEvent(
          TestEvents.TASK_STARTED,
          e -> {
            synchronized (seen) {
              seen.add(e.get("seq", Long.class));
            }
          });
      assertThat(events.emit(TestEvents.TASK_STARTED, "seq", -1L).await(Duration.ofSeconds(10)))
          .isTrue();
      pause(Duration.ofMillis(500)); // the watch adapts to twice this gap: a second
      long next = 0;
      Random random = new Random(42);
      for (int burst = 0; burst < 150; burst++) {
        Emission last = null;
        for (int i = random.nextInt(1_000) + 1; i > 0; i--) {
          last = events.emit(TestEvents.TASK_STARTED, "seq", next++);
        }
        assertThat(last.await(Duration.ofMillis(500)))
            .as("burst %d, ending with event %d, delivered before the watch ends", burst, next - 1)
            .isTrue();
      }
      synchronized (seen) {
        assertThat(seen).hasSize((int) next + 1);
        for (int i = 0; i <= next; i++) {
          assertThat(seen.get(i)).isEqualTo(i - 1L);
        }
      }
    }
  }
  @ParameterizedTest(name = "{0}, capacity {1}, {2} emitter(s)")
  @CsvSource({
    "BLOCK, 4, 2", "BLOCK, 16, 2", "BLOCK, 256, 2", "BLOCK, 16384, 1", "DROP_NEWEST, 64, 2"
  })
  void longWatchOverFastStreams_losesNothing_keepsOrder_runsOneCallbackAtATime(
      OverflowPolicy policy, int capacity, int emitters) throws Exception {
    // A watching drain trails fast streams; under BLOCK, emitters wait for a full queue meanwhile
    // and must be woken (the drain stops trailing while one waits). Every event ends exactly once:
    // delivered, or dropped where the policy drops.
    int perEmitter = 100_000;
    try (EventManager events =
        EventManager.builder()
            .queueCapacity(capacity)
            .overflow(policy)
            .idleSpin(Duration.ofSeconds(1))
            .shutdownHook(false)
            .build()) {
      long[] lastSeen = new long[emitters]; // written by one callback at a time
      Arrays.fill(lastSeen, -1);
      AtomicInteger inside = new AtomicInteger();
      AtomicInteger violations = new AtomicInteger();
      Subscription subscription =
          events.registerEvent(
              TestEvents.TASK_STARTED,
              e -> {
                if (inside.incrementAndGet() != 1) {
                  violations.incrementAndGet(); // two callbacks at once
                }
                int emitter = e.get("emitter", Integer.class);
                long seq = e.get("seq", Long.class);
                if (emitter >= 0) {
                  if (seq <= lastSeen[emitter]) {
                    violations.incrementAndGet(); // out of order
                  }
                  lastSeen[emitter] = seq;
                }
                inside.decrementAndGet();
              });
      assertThat(
              events.emit(TestEvents.TASK_STARTED, "emitter", -1, "seq", -1L)
                  .await(Duration.ofSeconds(10)))
          .isTrue();
      pause(Duration.ofMillis(300)); // the watch adapts to twice this gap
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < emitters; t++) {
        int emitter = t;
        Thread thread =
            new Thread(
                () -> {
                  for (long seq = 0; seq < perEmitter; seq++) {
                    events.emit(TestEvents.TASK_STARTED, "emitter", emitter, "seq", seq);
                  }
                });
        thread.start();
        threads.add(thread);
      }
      for (Thread thread : threads) {
        thread.join();
      }

      long emitted = (long) emitters * perEmitter + 1;
      Awaits.await()
          .until(
              () -> subscription.delivered() + subscription.dropped() + subscription.failed(),
              ended -> ended == emitted);
      assertThat(violations).hasValue(0);
      assertThat(subscription.failed()).isZero();
      if (policy == OverflowPolicy.BLOCK) {
        assertThat(subscription.dropped()).isZero();
      }
    }
  }
}
