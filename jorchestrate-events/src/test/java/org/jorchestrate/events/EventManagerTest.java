package org.jorchestrate.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.jorchestrate.events.Awaits.await;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class EventManagerTest {

  private final EventManager events = new EventManager();

  @AfterEach
  void shutDown() {
    events.shutdown();
  }

  @Test
  void emit_registeredCallback_receivesParametersAndTimestamps() throws Exception {
    Recorder recorder = new Recorder();
    events.registerEvent(TestEvents.TASK_STARTED, recorder);

    Emission emission = events.emit(TestEvents.TASK_STARTED, "task_name", "data_processing");

    assertThat(emission.await(Duration.ofSeconds(10))).isTrue();
    assertThat(emission.accepted()).isTrue();
    assertThat(emission.subscribers()).isEqualTo(1);
    assertThat(emission.delivered()).isEqualTo(1);
    Event event = recorder.events().get(0);
    assertThat(event.type()).isSameAs(TestEvents.TASK_STARTED);
    assertThat(event.get("task_name")).isEqualTo("data_processing");
    assertThat(event.eventDate()).matches("\\d{4}-\\d{2}-\\d{2}");
    assertThat(event.eventTime()).matches("\\d{2}:\\d{2}:\\d{2}\\.\\d{6}");
    assertThat(event.params())
        .containsEntry("task_name", "data_processing")
        .containsKeys(Event.EVENT_DATE, Event.EVENT_TIME);
  }

  @Test
  void emit_mapOfParameters_deliversThem() throws Exception {
    Recorder recorder = new Recorder();
    events.registerEvent(TestEvents.TASK_COMPLETED, recorder);

    Emission emission =
        events.emit(TestEvents.TASK_COMPLETED, Map.of("task_name", "x", "result", "success"));

    assertThat(emission.await(Duration.ofSeconds(10))).isTrue();
    Event event = recorder.events().get(0);
    assertThat(event.get("task_name")).isEqualTo("x");
    assertThat(event.get("result")).isEqualTo("success");
  }

  @Test
  void emit_callbacksRunOnNamedDaemonWorkers_notOnTheEmittingThread() throws Exception {
    CountDownLatch ran = new CountDownLatch(1);
    Thread[] callbackThread = new Thread[1];
    events.registerEvent(
        TestEvents.TASK_STARTED,
        e -> {
          callbackThread[0] = Thread.currentThread();
          ran.countDown();
        });

    events.emit(TestEvents.TASK_STARTED);

    assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(callbackThread[0]).isNotSameAs(Thread.currentThread());
    assertThat(callbackThread[0].getName()).startsWith("jorchestrate-events-");
    assertThat(callbackThread[0].isDaemon()).isTrue();
  }

  @Test
  void emit_doesNotWaitForCallbacks() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    events.registerEvent(TestEvents.TASK_STARTED, e -> release.await());

    Emission emission = events.emit(TestEvents.TASK_STARTED);

    assertThat(emission.isDone()).isFalse(); // emit returned while the callback still waits
    release.countDown();
    assertThat(emission.await(Duration.ofSeconds(10))).isTrue();
  }

  @Test
  void emit_sameConstantNameInTwoEnums_areDifferentEvents() throws Exception {
    Recorder ours = new Recorder();
    Recorder theirs = new Recorder();
    events.registerEvent(TestEvents.TASK_STARTED, ours);
    events.registerEvent(OtherEvents.TASK_STARTED, theirs);

    events.emit(TestEvents.TASK_STARTED, "n", 1).await(Duration.ofSeconds(10));
    events.emit(OtherEvents.TASK_STARTED, "n", 2).await(Duration.ofSeconds(10));

    assertThat(ours.events()).extracting(e -> e.get("n")).containsExactly(1);
    assertThat(theirs.events()).extracting(e -> e.get("n")).containsExactly(2);
    assertThat(theirs.events().get(0).type()).isSameAs(OtherEvents.TASK_STARTED);
  }

  @Test
  void emit_everyCallbackOfAnEvent_receivesTheSameEvent() throws Exception {
    Recorder first = new Recorder();
    Recorder second = new Recorder();
    events.registerEvent(TestEvents.TASK_STARTED, first);
    events.registerEvent(TestEvents.TASK_STARTED, second);

    Emission emission = events.emit(TestEvents.TASK_STARTED, "k", "v");

    assertThat(emission.await(Duration.ofSeconds(10))).isTrue();
    assertThat(emission.subscribers()).isEqualTo(2);
    assertThat(emission.delivered()).isEqualTo(2);
    assertThat(first.events().get(0)).isSameAs(second.events().get(0));
  }

  @Test
  void emit_noSubscriber_isAcceptedAndDone() {
    Emission emission = events.emit(TestEvents.TASK_FAILED, "error", "none");

    assertThat(emission.accepted()).isTrue();
    assertThat(emission.isDone()).isTrue();
    assertThat(emission.subscribers()).isZero();
  }

  @Test
  void emit_otherEventsOfTheSameEnum_doNotReachTheCallback() throws Exception {
    Recorder recorder = new Recorder();
    events.registerEvent(TestEvents.TASK_STARTED, recorder);
    Recorder completed = new Recorder();
    events.registerEvent(TestEvents.TASK_COMPLETED, completed);

    events.emit(TestEvents.TASK_COMPLETED).await(Duration.ofSeconds(10));
    events.emit(TestEvents.TASK_FAILED).await(Duration.ofSeconds(10));

    assertThat(completed.count()).isEqualTo(1);
    assertThat(recorder.count()).isZero();
  }

  @Test
  void registerAll_receivesEveryEventOfEveryType() throws Exception {
    Recorder all = new Recorder();
    events.registerAll(all);

    events.emit(TestEvents.TASK_STARTED).await(Duration.ofSeconds(10));
    events.emit(OtherEvents.ELSEWHERE, "x", 1).await(Duration.ofSeconds(10));

    assertThat(all.events())
        .extracting(Event::type)
        .containsExactly(TestEvents.TASK_STARTED, OtherEvents.ELSEWHERE);
  }

  @Test
  void registerAll_andSpecific_bothReceiveAndCountAsTwoSubscribers() throws Exception {
    Recorder all = new Recorder();
    Recorder specific = new Recorder();
    events.registerAll(all);
    events.registerEvent(TestEvents.TASK_STARTED, specific);

    Emission emission = events.emit(TestEvents.TASK_STARTED);

    assertThat(emission.await(Duration.ofSeconds(10))).isTrue();
    assertThat(emission.subscribers()).isEqualTo(2);
    assertThat(all.count()).isEqualTo(1);
    assertThat(specific.count()).isEqualTo(1);
  }

  @Test
  void unsubscribe_laterEmissions_doNotReachTheCallback() throws Exception {
    Recorder recorder = new Recorder();
    Subscription subscription = events.registerEvent(TestEvents.TASK_STARTED, recorder);
    events.emit(TestEvents.TASK_STARTED, "n", 1).await(Duration.ofSeconds(10));

    subscription.unsubscribe();
    Emission after = events.emit(TestEvents.TASK_STARTED, "n", 2);

    assertThat(after.subscribers()).isZero();
    assertThat(subscription.isActive()).isFalse();
    assertThat(recorder.events()).extracting(e -> e.get("n")).containsExactly(1);
  }

  @Test
  void unsubscribe_twice_isHarmless() {
    Subscription subscription = events.registerEvent(TestEvents.TASK_STARTED, e -> {});

    subscription.unsubscribe();
    subscription.close();

    assertThat(subscription.isActive()).isFalse();
  }

  @Test
  void unsubscribe_eventsQueuedBefore_areStillDelivered() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Recorder recorder = new Recorder();
    Subscription subscription =
        events.registerEvent(
            TestEvents.TASK_STARTED,
            e -> {
              release.await();
              recorder.onEvent(e);
            });
    Emission first = events.emit(TestEvents.TASK_STARTED, "n", 1);
    Emission second = events.emit(TestEvents.TASK_STARTED, "n", 2);

    subscription.unsubscribe();
    release.countDown();

    assertThat(first.await(Duration.ofSeconds(10))).isTrue();
    assertThat(second.await(Duration.ofSeconds(10))).isTrue();
    assertThat(recorder.events()).extracting(e -> e.get("n")).containsExactly(1, 2);
  }

  @Test
  void unsubscribe_fromItsOwnCallback_stopsLaterDeliveries() throws Exception {
    Recorder recorder = new Recorder();
    Subscription[] self = new Subscription[1];
    self[0] =
        events.registerEvent(
            TestEvents.TASK_STARTED,
            e -> {
              recorder.onEvent(e);
              self[0].unsubscribe();
            });

    events.emit(TestEvents.TASK_STARTED).await(Duration.ofSeconds(10));
    Emission later = events.emit(TestEvents.TASK_STARTED);

    assertThat(later.subscribers()).isZero();
    assertThat(recorder.count()).isEqualTo(1);
  }

  @Test
  void subscription_counters_reportDeliveredAndFailed() throws Exception {
    Subscription subscription =
        events.registerEvent(
            TestEvents.TASK_STARTED,
            e -> {
              if (e.get("fail") != null) {
                throw new IllegalStateException("asked to fail");
              }
            });

    events.emit(TestEvents.TASK_STARTED).await(Duration.ofSeconds(10));
    events.emit(TestEvents.TASK_STARTED, "fail", true).await(Duration.ofSeconds(10));
    events.emit(TestEvents.TASK_STARTED).await(Duration.ofSeconds(10));

    assertThat(subscription.delivered()).isEqualTo(2);
    assertThat(subscription.failed()).isEqualTo(1);
    assertThat(subscription.dropped()).isZero();
    await().until(() -> subscription.backlog() == 0); // the batch ends just after the delivery
  }

  @Test
  void constructorWithMaxWorkers_runsAtMostThatManyCallbacksAtOnce() throws Exception {
    EventManager single = new EventManager(1);
    try {
      CountDownLatch firstRunning = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      Recorder second = new Recorder();
      single.registerEvent(
          TestEvents.TASK_STARTED,
          e -> {
            firstRunning.countDown();
            release.await();
          });
      single.registerEvent(TestEvents.TASK_COMPLETED, second);

      single.emit(TestEvents.TASK_STARTED);
      assertThat(firstRunning.await(10, TimeUnit.SECONDS)).isTrue();
      Emission blocked = single.emit(TestEvents.TASK_COMPLETED);

      // One worker, busy: the second subscription cannot run until the first releases it.
      assertThat(blocked.await(Duration.ofMillis(200))).isFalse();
      release.countDown();
      assertThat(blocked.await(Duration.ofSeconds(10))).isTrue();
      assertThat(second.count()).isEqualTo(1);
    } finally {
      single.shutdown();
    }
  }

  @Test
  void constructorWithMaxWorkers_zero_isRejectedWithTheRange() {
    assertThatThrownBy(() -> new EventManager(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("workers must be at least 1")
        .hasMessageContaining("but was 0");
  }

  @Test
  void nullArguments_areRejectedWithTheirName() {
    assertThatThrownBy(() -> events.registerEvent(null, e -> {}))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("type must not be null");
    assertThatThrownBy(() -> events.registerEvent(TestEvents.TASK_STARTED, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("callback must not be null");
    assertThatThrownBy(() -> events.emit(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("type must not be null");
  }

  @Test
  void toString_namesTheManagerAndItsState() {
    events.registerEvent(TestEvents.TASK_STARTED, e -> {});

    assertThat(events.toString()).contains("events", "running", "1 subscriptions");
    events.shutdown();
    assertThat(events.toString()).contains("terminated");
  }

  @Test
  void awaitEmission_completesEvenWhenAwaitedAfterDelivery() throws Exception {
    Recorder recorder = new Recorder();
    events.registerEvent(TestEvents.TASK_STARTED, recorder);
    Emission emission = events.emit(TestEvents.TASK_STARTED);

    await().until(emission::isDone);

    assertThat(emission.await(Duration.ZERO)).isTrue();
  }

  @Test
  void isCallbackThread_trueOnlyInsideThisManagersCallbacks() throws Exception {
    EventManager other = EventManager.builder().shutdownHook(false).build();
    try {
      java.util.List<Boolean> inside = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
      events.registerEvent(
          TestEvents.TASK_STARTED,
          e -> {
            inside.add(events.isCallbackThread());
            inside.add(other.isCallbackThread());
          });

      events.emit(TestEvents.TASK_STARTED).await(Duration.ofSeconds(10));

      assertThat(inside).containsExactly(true, false);
      assertThat(events.isCallbackThread()).isFalse();
    } finally {
      other.shutdown();
    }
  }
}
