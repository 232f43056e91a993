package org.jorchestrate.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A failing callback is logged, counted and reported, and disturbs nothing else. */
@Timeout(60)
class ErrorIsolationTest {

  private final List<String> handled = Collections.synchronizedList(new ArrayList<>());
  private final EventManager events =
      EventManager.builder()
          .workers(2)
          .errorHandler(
              (error, event, subscription) ->
                  handled.add(error.getClass().getSimpleName() + " on " + event.type()))
          .build();

  @AfterEach
  void shutDown() {
    events.shutdown();
  }

  @Test
  void throwingCallback_othersOfTheSameEventStillRun() throws Exception {
    Recorder before = new Recorder();
    Recorder after = new Recorder();
    events.registerEvent(TestEvents.TASK_STARTED, before);
    events.registerEvent(
        TestEvents.TASK_STARTED,
        e -> {
          throw new IllegalStateException("boom");
        });
    events.registerEvent(TestEvents.TASK_STARTED, after);

    Emission emission = events.emit(TestEvents.TASK_STARTED);

    assertThat(emission.await(Duration.ofSeconds(10))).isTrue();
    assertThat(emission.delivered()).isEqualTo(2);
    assertThat(emission.failed()).isEqualTo(1);
    assertThat(before.count()).isEqualTo(1);
    assertThat(after.count()).isEqualTo(1);
    assertThat(handled).containsExactly("IllegalStateException on TASK_STARTED");
  }

  @Test
  void throwingCallback_laterEventsOfTheSameSubscriptionStillArrive() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    Subscription subscription =
        events.registerEvent(
            TestEvents.TASK_STARTED,
            e -> {
              if (calls.incrementAndGet() % 2 == 1) {
                throw new Exception("odd call");
              }
            });

    Emission last = null;
    for (int i = 0; i < 10; i++) {
      last = events.emit(TestEvents.TASK_STARTED);
    }

    assertThat(last.await(Duration.ofSeconds(10))).isTrue();
    assertThat(calls).hasValue(10);
    assertThat(subscription.failed()).isEqualTo(5);
    assertThat(subscription.delivered()).isEqualTo(5);
    assertThat(handled).hasSize(5);
  }

  @Test
  void errors_includingStackOverflow_neitherKillWorkersNorStopDelivery() throws Exception {
    Recorder survivor = new Recorder();
    events.registerEvent(
        TestEvents.TASK_STARTED,
        e -> {
          throw new AssertionError("assertion in callback");
        });
    events.registerEvent(TestEvents.TASK_STARTED, e -> recurse(0));
    events.registerEvent(
        TestEvents.TASK_STARTED,
        e -> {
          throw new OutOfMemoryError("simulated");
        });
    events.registerEvent(TestEvents.TASK_COMPLETED, survivor);

    Emission failing = null;
    for (int i = 0; i < 20; i++) {
      failing = events.emit(TestEvents.TASK_STARTED);
    }
    assertThat(failing.await(Duration.ofSeconds(20))).isTrue();
    Emission after = events.emit(TestEvents.TASK_COMPLETED);

    assertThat(after.await(Duration.ofSeconds(10))).isTrue();
    assertThat(failing.failed()).isEqualTo(3);
    assertThat(survivor.count()).isEqualTo(1);
    assertThat(handled)
        .hasSize(60)
        .contains(
            "AssertionError on TASK_STARTED",
            "StackOverflowError on TASK_STARTED",
            "OutOfMemoryError on TASK_STARTED");
  }

  private static int recurse(int depth) {
    return recurse(depth + 1) + 1;
  }

  @Test
  void failure_isLoggedWithEventCallbackAndStackTrace() throws Exception {
    events.registerEvent(
        TestEvents.TASK_FAILED,
        e -> {
          throw new IllegalArgumentException("the cause, with detail");
        });

    try (LogCapture log = new LogCapture()) {
      events.emit(TestEvents.TASK_FAILED, "task_name", "x").await(Duration.ofSeconds(10));

      assertThat(log.text())
          .contains("ERROR")
          .contains("TestEvents.TASK_FAILED{task_name=x}")
          .contains("Subscription[TestEvents.TASK_FAILED -> ")
          .contains("java.lang.IllegalArgumentException: the cause, with detail")
          .contains("at org.jorchestrate.events.ErrorIsolationTest");
    }
  }

  @Test
  void failures_ofOneSubscription_areLoggedTenTimesThenAtPowersOfTwo_butAllHandled()
      throws Exception {
    events.registerEvent(
        TestEvents.TASK_FAILED,
        e -> {
          throw new IllegalStateException("failure #" + e.get("n"));
        });

    try (LogCapture log = new LogCapture()) {
      Emission last = null;
      for (int n = 1; n <= 40; n++) {
        last = events.emit(TestEvents.TASK_FAILED, "n", n);
      }
      assertThat(last.await(Duration.ofSeconds(10))).isTrue();

      String text = log.text();
      for (int n : new int[] {1, 10, 16, 32}) {
        assertThat(text).contains("failure #" + n + "\n");
      }
      for (int n : new int[] {11, 15, 17, 31, 33, 40}) {
        assertThat(text).doesNotContain("failure #" + n + "\n");
      }
      assertThat(text).contains("(failure 16 of this subscription; logged at powers of two)");
    }
    assertThat(handled).hasSize(40);
  }

  @Test
  void virtualMachineError_isLoggedAsSuch() throws Exception {
    events.registerEvent(
        TestEvents.TASK_FAILED,
        e -> {
          throw new StackOverflowError("deep");
        });

    try (LogCapture log = new LogCapture()) {
      events.emit(TestEvents.TASK_FAILED).await(Duration.ofSeconds(10));

      assertThat(log.text()).contains("VirtualMachineError").contains("the JVM may be unstable");
    }
  }

  @Test
  void throwingErrorHandler_isLoggedAndDeliveryGoesOn() throws Exception {
    Recorder recorder = new Recorder();
    EventManager strict =
        EventManager.builder()
            .errorHandler(
                (error, event, subscription) -> {
                  throw new IllegalStateException("handler broke");
                })
            .build();
    try (LogCapture log = new LogCapture()) {
      strict.registerEvent(
          TestEvents.TASK_STARTED,
          e -> {
            if (e.get("fail") != null) {
              throw new Exception("callback failed");
            }
            recorder.onEvent(e);
          });

      Emission failed = strict.emit(TestEvents.TASK_STARTED, "fail", true);
      Emission fine = strict.emit(TestEvents.TASK_STARTED);

      assertThat(fine.await(Duration.ofSeconds(10))).isTrue();
      assertThat(failed.failed()).isEqualTo(1);
      assertThat(recorder.count()).isEqualTo(1);
      assertThat(log.text()).contains("the ErrorHandler threw").contains("handler broke");
    } finally {
      strict.shutdown();
    }
  }

  @Test
  void errorHandler_runsBeforeTheEmissionCompletes() throws Exception {
    events.registerEvent(
        TestEvents.TASK_STARTED,
        e -> {
          throw new IllegalStateException("x");
        });

    Emission emission = events.emit(TestEvents.TASK_STARTED);

    assertThat(emission.await(Duration.ofSeconds(10))).isTrue();
    assertThat(handled).hasSize(1); // visible at once: no waiting needed after await
  }
}
