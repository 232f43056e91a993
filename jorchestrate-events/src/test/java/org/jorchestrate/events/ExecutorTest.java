package org.jorchestrate.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Where callbacks run: the own pool by default, or any supplied executor. */
@Timeout(60)
class ExecutorTest {

  @Test
  void suppliedExecutor_runsTheCallbacks_andIsNotShutDownByTheManager() throws Exception {
    AtomicInteger threadsMade = new AtomicInteger();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            2,
            task -> {
              Thread thread = new Thread(task, "supplied-" + threadsMade.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    EventManager events = EventManager.builder().executor(pool).build();
    Recorder recorder = new Recorder();
    events.registerEvent(TestEvents.TASK_STARTED, recorder);

    events.emit(TestEvents.TASK_STARTED).await(Duration.ofSeconds(10));
    events.shutdown();

    assertThat(recorder.threads()).singleElement().asString().startsWith("supplied-");
    assertThat(events.isTerminated()).isTrue();
    assertThat(pool.isShutdown()).isFalse();
    pool.shutdown();
  }

  @Test
  void namedManager_namesItsThreads() throws Exception {
    EventManager events = EventManager.builder().name("orders").build();
    Recorder recorder = new Recorder();
    events.registerEvent(TestEvents.TASK_STARTED, recorder);

    events.emit(TestEvents.TASK_STARTED).await(Duration.ofSeconds(10));
    events.shutdown();

    assertThat(recorder.threads()).singleElement().asString().startsWith("jorchestrate-orders-");
  }

  @Test
  void busySubscription_keepsOneTaskForManyEvents() throws Exception {
    AtomicInteger tasks = new AtomicInteger();
    ExecutorService pool = Executors.newSingleThreadExecutor();
    EventManager events =
        EventManager.builder()
            .executor(
                task -> {
                  tasks.incrementAndGet();
                  pool.execute(task);
                })
            .build();
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    events.registerEvent(TestEvents.TASK_STARTED, e -> release.await());

    Emission last = null;
    for (int i = 0; i < 100; i++) {
      last = events.emit(TestEvents.TASK_STARTED);
    }
    release.countDown();

    assertThat(last.await(Duration.ofSeconds(10))).isTrue();
    // 100 events queued behind a busy callback: one task, not one per event (the Python
    // original's cost); at most one more if the drain went idle between batches.
    assertThat(tasks.get()).isLessThanOrEqualTo(2);
    events.shutdown();
    pool.shutdown();
  }

  @Test
  void directExecutor_largeBacklog_isDrainedWithoutDeepRecursion() throws Exception {
    // A direct executor runs each resubmission inline; a million events in batches of 256 would
    // nest thousands of drains and overflow the stack if the drain did not detect it.
    EventManager events = EventManager.builder().executor(Runnable::run).build();
    AtomicInteger received = new AtomicInteger();
    java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
    events.registerEvent(
        TestEvents.TASK_STARTED,
        e -> {
          if (e.has("first")) {
            // Runs inline on the emitting thread: emit a backlog behind itself.
            for (int i = 0; i < 200_000; i++) {
              events.emit(TestEvents.TASK_STARTED);
            }
            gate.countDown();
          }
          received.incrementAndGet();
        });

    java.util.concurrent.atomic.AtomicReference<Object> outcome =
        new java.util.concurrent.atomic.AtomicReference<>();
    Thread smallStack =
        new Thread(
            null,
            () -> {
              try {
                outcome.set(events.emit(TestEvents.TASK_STARTED, "first", true));
              } catch (Throwable t) {
                outcome.set(t);
              }
            },
            "small-stack",
            256 * 1024);
    smallStack.start();
    smallStack.join(20_000);

    assertThat(outcome.get()).isInstanceOf(Emission.class);
    Emission first = (Emission) outcome.get();
    assertThat(gate.getCount()).isZero();
    assertThat(first.isDone()).isTrue();
    assertThat(received).hasValue(200_001);
    events.shutdown();
    assertThat(events.isTerminated()).isTrue();
  }
}
