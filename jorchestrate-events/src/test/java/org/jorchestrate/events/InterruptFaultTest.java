package org.jorchestrate.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Interrupts are faults like any other: a callback that leaves its thread interrupted, or a worker
 * interrupted from outside, costs at most that one delivery; the next callback starts with a clean
 * interrupt status, nothing is lost, and the manager still shuts down.
 */
@Timeout(60)
class InterruptFaultTest {

  private final List<Throwable> handled = Collections.synchronizedList(new ArrayList<>());
  private final EventManager events =
      EventManager.builder()
          .workers(1)
          .shutdownHook(false)
          .errorHandler((error, event, subscription) -> handled.add(error))
          .build();

  @AfterEach
  void shutDown() {
    events.shutdown();
  }

  @Test
  void callbackLeavingItsThreadInterrupted_doesNotLeakIntoTheNextCallbacks() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    List<Boolean> interruptedOnEntry = Collections.synchronizedList(new ArrayList<>());
    Subscription subscription =
        events.registerEvent(
            TestEvents.TASK_STARTED,
            e -> {
              interruptedOnEntry.add(Thread.currentThread().isInterrupted());
              if (e.get("first") != null) {
                assertThat(release.await(10, TimeUnit.SECONDS)).isTrue();
                Thread.currentThread().interrupt(); // e.g. restoring the flag after a catch
              }
            });
    Recorder other = new Recorder();
    events.registerEvent(TestEvents.TASK_STARTED, other);

    events.emit(TestEvents.TASK_STARTED, "first", true);
    List<Emission> later = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      later.add(events.emit(TestEvents.TASK_STARTED)); // queued behind the blocked first callback
    }
    release.countDown();

    for (Emission emission : later) {
      assertThat(emission.await(Duration.ofSeconds(10))).isTrue();
      assertThat(emission.delivered()).isEqualTo(2);
    }
    assertThat(interruptedOnEntry).hasSize(6).containsOnly(false);
    assertThat(subscription.failed()).isZero();
    assertThat(other.count()).isEqualTo(6);
    assertThat(handled).isEmpty();
  }

  @Test
  void workerInterruptedFromOutside_failsOnlyTheCallbackItInterrupted() throws Exception {
    AtomicReference<Thread> worker = new AtomicReference<>();
    CountDownLatch blocked = new CountDownLatch(1);
    CountDownLatch never = new CountDownLatch(1);
    Recorder later = new Recorder();
    events.registerEvent(
        TestEvents.TASK_STARTED,
        e -> {
          worker.set(Thread.currentThread());
          blocked.countDown();
          never.await(); // interruptible: ends with InterruptedException
        });
    events.registerEvent(TestEvents.TASK_COMPLETED, later);

    Emission stuck = events.emit(TestEvents.TASK_STARTED);
    assertThat(blocked.await(10, TimeUnit.SECONDS)).isTrue();
    Emission next = events.emit(TestEvents.TASK_COMPLETED);
    worker.get().interrupt();

    assertThat(stuck.await(Duration.ofSeconds(10))).isTrue();
    assertThat(stuck.failed()).isEqualTo(1);
    assertThat(next.await(Duration.ofSeconds(10))).isTrue();
    assertThat(next.delivered()).isEqualTo(1);
    assertThat(later.count()).isEqualTo(1);
    assertThat(handled).singleElement().isInstanceOf(InterruptedException.class);

    events.shutdown();
    assertThat(events.awaitTermination(Duration.ofSeconds(10))).isTrue();
  }

  @Test
  void workerInterruptedFromOutsideWhileIgnoringIt_laterCallbacksStartClean() throws Exception {
    AtomicReference<Thread> worker = new AtomicReference<>();
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    List<Boolean> interruptedOnEntry = Collections.synchronizedList(new ArrayList<>());
    events.registerEvent(
        TestEvents.TASK_STARTED,
        e -> {
          interruptedOnEntry.add(Thread.currentThread().isInterrupted());
          if (e.get("first") != null) {
            worker.set(Thread.currentThread());
            running.countDown();
            // Ignores interrupts: spins until the test has sent one, and returns with it set.
            while (interrupted.getCount() > 0) {
              Thread.onSpinWait();
            }
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
          }
        });

    events.emit(TestEvents.TASK_STARTED, "first", true);
    assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
    Emission second = events.emit(TestEvents.TASK_STARTED);
    worker.get().interrupt();
    interrupted.countDown();

    assertThat(second.await(Duration.ofSeconds(10))).isTrue();
    assertThat(second.delivered()).isEqualTo(1);
    assertThat(interruptedOnEntry).containsExactly(false, false);
    assertThat(handled).isEmpty();
  }

  @Test
  void synchronousManager_callbacksAreCallsOnTheEmittingThread_soItsInterruptStatusIsShared()
      throws Exception {
    try (EventManager direct = EventManager.builder().synchronous().shutdownHook(false).build()) {
      List<Boolean> seen = new ArrayList<>();
      direct.registerEvent(TestEvents.TASK_STARTED, e -> seen.add(Thread.interrupted()));
      direct.registerEvent(TestEvents.TASK_COMPLETED, e -> Thread.currentThread().interrupt());

      Thread.currentThread().interrupt();
      direct.emit(TestEvents.TASK_STARTED); // the callback sees, and clears, the emitter's flag
      assertThat(seen).containsExactly(true);
      assertThat(Thread.currentThread().isInterrupted()).isFalse();

      direct.emit(TestEvents.TASK_COMPLETED); // a callback's interrupt reaches its caller
      assertThat(Thread.interrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
  }
}
