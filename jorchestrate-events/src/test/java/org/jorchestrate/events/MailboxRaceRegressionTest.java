package org.jorchestrate.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Regressions for the races a review of the first mailbox found, each reproduced before the fix.
 * The first two need a drain that starts within nanoseconds of being scheduled, hence the spinning
 * executor; their round counts found the bug several times per run before the fix.
 */
@Timeout(120)
class MailboxRaceRegressionTest {

  /**
   * The mailbox paired "offer, then read the drain's status" with "store idle, then isEmpty()". The
   * JCTools queue publishes its producer index with a lazySet while it grows a chunk, so both sides
   * could miss each other: the event stayed queued with nobody draining it, its emission never
   * completed, and shutdown(true) reported termination with the event still queued.
   */
  @Test
  void emitRacingTheDrainGoingIdle_duringQueueGrowth_neverStrandsAnEvent() throws Exception {
    try (SpinningExecutor spinning = new SpinningExecutor()) {
      EventManager events =
          EventManager.builder()
              .executor(spinning)
              .queueCapacity(2) // chunks of 2: nearly every offer to a non-empty queue grows it
              .overflow(OverflowPolicy.DROP_NEWEST)
              .shutdownHook(false)
              .build();
      events.registerEvent(TestEvents.TASK_STARTED, e -> {});
      long stranded = 0;
      for (int round = 0; round < 200_000; round++) {
        Emission first = events.emit(TestEvents.TASK_STARTED);
        Emission second = events.emit(TestEvents.TASK_STARTED);
        if (!first.await(Duration.ofSeconds(5)) || !second.await(Duration.ofSeconds(5))) {
          stranded++;
          break;
        }
      }
      events.shutdown();

      assertThat(stranded).as("emissions never completed").isZero();
      assertThat(events.isTerminated()).isTrue();
    }
  }

  /**
   * The drain published its consumer index with a lazySet and then read the blocked-emitter count,
   * while the emitter incremented that count and then read the queue size: with capacity 1 both
   * could miss each other and the emitter waited forever on an empty queue.
   */
  @Test
  void blockedEmitter_atCapacityOne_isAlwaysWoken() throws Exception {
    try (SpinningExecutor spinning = new SpinningExecutor()) {
      EventManager events =
          EventManager.builder()
              .executor(spinning)
              .queueCapacity(1)
              .overflow(OverflowPolicy.BLOCK)
              .shutdownHook(false)
              .build();
      Subscription subscription = events.registerEvent(TestEvents.TASK_STARTED, e -> {});
      AtomicLong emitted = new AtomicLong();
      Thread emitter =
          new Thread(
              () -> {
                for (int i = 0; i < 300_000; i++) {
                  events.emit(TestEvents.TASK_STARTED);
                  emitted.incrementAndGet();
                }
              });
      emitter.start();
      emitter.join(30_000);

      assertThat(emitter.isAlive()).as("emitter stuck after %d emits", emitted.get()).isFalse();
      events.shutdown();
      assertThat(subscription.delivered()).isEqualTo(300_000);
    }
  }

  /**
   * An executor throwing something other than RejectedExecutionException left the subscription
   * marked as scheduled with nobody draining it: every later emission stayed pending forever.
   */
  @Test
  void executorThrowingOnce_deliversOnTheCallingThread_andTheSubscriptionCarriesOn()
      throws Exception {
    ExecutorService pool = Executors.newSingleThreadExecutor();
    AtomicBoolean failNext = new AtomicBoolean(true);
    Executor flaky =
        task -> {
          if (failNext.getAndSet(false)) {
            throw new IllegalStateException("transient executor failure");
          }
          pool.execute(task);
        };
    EventManager events = EventManager.builder().executor(flaky).shutdownHook(false).build();
    Recorder recorder = new Recorder();
    events.registerEvent(TestEvents.TASK_STARTED, recorder);

    try (LogCapture log = new LogCapture()) {
      Emission first = events.emit(TestEvents.TASK_STARTED, "n", 1);
      Emission second = events.emit(TestEvents.TASK_STARTED, "n", 2);

      assertThat(first.isDone()).isTrue(); // ran on this thread when the executor failed
      assertThat(second.await(Duration.ofSeconds(10))).isTrue();
      assertThat(log.text()).contains("the executor did not take the drain");
    }
    events.shutdown();
    pool.shutdown();

    assertThat(events.isTerminated()).isTrue();
    assertThat(recorder.events()).extracting(e -> e.get("n")).containsExactly(1, 2);
    assertThat(recorder.threads().get(0)).isEqualTo(Thread.currentThread().getName());
  }
}
