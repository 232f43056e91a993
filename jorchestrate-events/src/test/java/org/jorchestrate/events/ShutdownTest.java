package org.jorchestrate.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jorchestrate.events.Awaits.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** shutdown(): accepted means delivered, refused means never delivered, and nothing hangs. */
@Timeout(120)
class ShutdownTest {

  private static int liveThreads(String prefix) {
    return (int)
        Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().startsWith(prefix) && t.isAlive())
            .count();
  }

  /** Waits for the latch, ignoring interrupts: a callback that will not be stopped. */
  private static void awaitStubbornly(CountDownLatch latch, AtomicBoolean sawInterrupt) {
    while (true) {
      try {
        if (latch.await(10, TimeUnit.SECONDS)) {
          return;
        }
      } catch (InterruptedException e) {
        sawInterrupt.set(true);
      }
    }
  }

  @Test
  void shutdown_returnsOnlyAfterEveryAcceptedEmissionWasDelivered() throws Exception {
    EventManager events = EventManager.builder().name("drain").workers(2).build();
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger delivered = new AtomicInteger();
    events.registerEvent(
        TestEvents.TASK_STARTED,
        e -> {
          release.await();
          delivered.incrementAndGet();
        });
    for (int i = 0; i < 100; i++) {
      events.emit(TestEvents.TASK_STARTED, "i", i);
    }
    Thread releaser =
        new Thread(
            () -> {
              await().until(events::isShutdown);
              release.countDown();
            });
    releaser.start();

    events.shutdown();

    assertThat(delivered).hasValue(100);
    assertThat(events.isTerminated()).isTrue();
    // A pool counts as terminated once its workers left their loop; a thread may still be on its
    // way out for a moment (seen once on a loaded machine), so its end is awaited, within bounds.
    await().until(() -> liveThreads("jorchestrate-drain-") == 0);
  }

  @Test
  void emit_afterShutdown_isRefusedWithAWarning_andDeliversNothing() {
    EventManager events = new EventManager();
    Recorder recorder = new Recorder();
    events.registerEvent(TestEvents.TASK_STARTED, recorder);
    events.shutdown();

    try (LogCapture log = new LogCapture()) {
      Emission refused = events.emit(TestEvents.TASK_STARTED, "k", "v");
      Emission refusedToNobody = events.emit(TestEvents.TASK_FAILED);

      assertThat(refused.accepted()).isFalse();
      assertThat(refused.isDone()).isTrue();
      assertThat(refusedToNobody.accepted()).isFalse();
      assertThat(log.text())
          .contains("WARN")
          .contains("emit(TestEvents.TASK_STARTED) was refused because the manager is shut down");
    }
    assertThat(recorder.count()).isZero();
  }

  @Test
  void shutdown_isIdempotent_andCloseIsShutdown() {
    EventManager events = new EventManager();

    events.close();
    events.shutdown();
    events.shutdown(false);

    assertThat(events.isShutdown()).isTrue();
    assertThat(events.isTerminated()).isTrue();
  }

  @Test
  void shutdownWithoutWait_returnsAtOnce_andDeliveryContinues() throws Exception {
    EventManager events = new EventManager();
    CountDownLatch release = new CountDownLatch(1);
    Recorder recorder = new Recorder();
    events.registerEvent(
        TestEvents.TASK_STARTED,
        e -> {
          release.await();
          recorder.onEvent(e);
        });
    Emission pending = events.emit(TestEvents.TASK_STARTED);

    events.shutdown(false);

    assertThat(events.isShutdown()).isTrue();
    assertThat(events.isTerminated()).isFalse();
    assertThat(events.awaitTermination(Duration.ofMillis(50))).isFalse();
    release.countDown();
    assertThat(events.awaitTermination(Duration.ofSeconds(10))).isTrue();
    assertThat(pending.delivered()).isEqualTo(1);
    assertThat(recorder.count()).isEqualTo(1);
  }

  @Test
  void awaitTermination_withoutShutdown_isFalse() throws Exception {
    EventManager events = new EventManager();
    try {
      assertThat(events.awaitTermination(Duration.ZERO)).isFalse();
    } finally {
      events.shutdown();
    }
  }

  @RepeatedTest(20)
  void shutdownRacingEmitters_everyAcceptedEmissionDeliveredOnce_noRefusedOne() throws Exception {
    EventManager events = EventManager.builder().workers(2).build();
    Set<Integer> deliveredIds = ConcurrentHashMap.newKeySet();
    AtomicInteger duplicates = new AtomicInteger();
    events.registerEvent(
        TestEvents.TASK_STARTED,
        e -> {
          if (!deliveredIds.add(e.get("id", Integer.class))) {
            duplicates.incrementAndGet();
          }
        });
    int emitters = 3;
    CyclicBarrier start = new CyclicBarrier(emitters + 1);
    List<List<Emission>> results = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < emitters; t++) {
      List<Emission> mine = new ArrayList<>();
      results.add(mine);
      int base = t * 1_000_000;
      Thread thread =
          new Thread(
              () -> {
                try {
                  start.await();
                } catch (Exception e) {
                  throw new AssertionError(e);
                }
                for (int i = 0; i < 1_000_000; i++) {
                  Emission emission = events.emit(TestEvents.TASK_STARTED, "id", base + i);
                  mine.add(emission);
                  if (!emission.accepted()) {
                    break; // refused once: every later emit is refused too
                  }
                }
              });
      thread.start();
      threads.add(thread);
    }
    start.await();
    await().until(() -> deliveredIds.size() > 2_000);

    events.shutdown();
    Set<Integer> deliveredAtShutdown = Set.copyOf(deliveredIds);
    for (Thread thread : threads) {
      thread.join(30_000);
    }

    int accepted = 0;
    List<String> violations = new ArrayList<>();
    for (int t = 0; t < emitters; t++) {
      List<Emission> mine = results.get(t);
      for (int i = 0; i < mine.size(); i++) {
        Emission emission = mine.get(i);
        int id = t * 1_000_000 + i;
        if (emission.accepted()) {
          accepted++;
          if (!emission.isDone() || emission.delivered() != 1 || !deliveredAtShutdown.contains(id)) {
            violations.add("accepted " + id + " not delivered when shutdown returned: " + emission);
          }
        } else if (deliveredIds.contains(id)) {
          violations.add("refused " + id + " was delivered");
        }
      }
    }
    assertThat(violations).isEmpty();
    assertThat(duplicates).hasValue(0);
    assertThat(deliveredIds).hasSize(accepted);
  }

  @Test
  void shutdown_stuckCallback_givesUpAfterTheTimeout_dropsTheQueuedEvents() throws Exception {
    EventManager events =
        EventManager.builder()
            .name("stuck")
            .workers(2)
            .shutdownTimeout(Duration.ofMillis(300))
            .build();
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch entered = new CountDownLatch(1);
    AtomicBoolean sawInterrupt = new AtomicBoolean();
    events.registerEvent(
        TestEvents.TASK_STARTED,
        e -> {
          entered.countDown();
          awaitStubbornly(release, sawInterrupt);
        });
    Recorder healthy = new Recorder();
    events.registerEvent(TestEvents.TASK_COMPLETED, healthy);
    Emission running = events.emit(TestEvents.TASK_STARTED, "n", 0);
    Emission queued1 = events.emit(TestEvents.TASK_STARTED, "n", 1);
    Emission queued2 = events.emit(TestEvents.TASK_STARTED, "n", 2);
    Emission fine = events.emit(TestEvents.TASK_COMPLETED);
    assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();

    try (LogCapture log = new LogCapture()) {
      events.shutdown();

      assertThat(log.text())
          .contains("shutdown gave up after PT0.3S")
          .contains("with 2 queued")
          .contains("in thread jorchestrate-stuck-");
    }
    assertThat(fine.delivered()).isEqualTo(1);
    assertThat(running.isDone()).isFalse(); // its callback still runs
    assertThat(events.isTerminated()).isFalse();
    await().untilTrue(sawInterrupt);

    release.countDown();
    assertThat(running.await(Duration.ofSeconds(10))).isTrue();
    assertThat(running.delivered()).isEqualTo(1);
    // Queued behind the stuck callback, they are dropped once it returns, not delivered.
    assertThat(queued1.await(Duration.ofSeconds(10))).isTrue();
    assertThat(queued2.await(Duration.ofSeconds(10))).isTrue();
    assertThat(queued1.dropped()).isEqualTo(1);
    assertThat(queued2.dropped()).isEqualTo(1);
    assertThat(events.awaitTermination(Duration.ofSeconds(10))).isTrue();
    await().until(() -> liveThreads("jorchestrate-stuck-") == 0);
  }

  @Test
  void shutdown_interruptibleBlockedCallback_isInterruptedAfterTheTimeout_andTerminates()
      throws Exception {
    EventManager events =
        EventManager.builder().workers(1).shutdownTimeout(Duration.ofMillis(200)).build();
    CountDownLatch never = new CountDownLatch(1);
    CountDownLatch entered = new CountDownLatch(1);
    events.registerEvent(
        TestEvents.TASK_STARTED,
        e -> {
          entered.countDown();
          never.await();
        });
    Emission blocked = events.emit(TestEvents.TASK_STARTED);
    assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();

    events.shutdown();

    assertThat(blocked.await(Duration.ofSeconds(10))).isTrue();
    assertThat(blocked.failed()).isEqualTo(1); // InterruptedException from the callback
    assertThat(events.awaitTermination(Duration.ofSeconds(10))).isTrue();
  }

  @Test
  void shutdownGivingUp_releasesAnEmitterBlockedOnAFullQueue() throws Exception {
    EventManager events =
        EventManager.builder()
            .workers(1)
            .queueCapacity(1)
            .shutdownTimeout(Duration.ofMillis(200))
            .build();
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean sawInterrupt = new AtomicBoolean();
    CountDownLatch entered = new CountDownLatch(1);
    events.registerEvent(
        TestEvents.TASK_STARTED,
        e -> {
          entered.countDown();
          awaitStubbornly(release, sawInterrupt);
        });
    events.emit(TestEvents.TASK_STARTED, "n", 0);
    assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
    events.emit(TestEvents.TASK_STARTED, "n", 1); // fills the queue
    AtomicReference<Emission> blocked = new AtomicReference<>();
    Thread emitter = new Thread(() -> blocked.set(events.emit(TestEvents.TASK_STARTED, "n", 2)));
    emitter.start();
    await().until(() -> emitter.getState() == Thread.State.WAITING);

    events.shutdown();
    emitter.join(10_000);

    assertThat(emitter.isAlive()).isFalse();
    assertThat(blocked.get().accepted()).isTrue();
    assertThat(blocked.get().dropped()).isEqualTo(1);
    release.countDown();
    assertThat(events.awaitTermination(Duration.ofSeconds(10))).isTrue();
  }

  @Test
  void shutdown_fromInsideACallback_doesNotWaitForItself() throws Exception {
    EventManager events = EventManager.builder().workers(2).build();
    CountDownLatch returned = new CountDownLatch(1);
    events.registerEvent(
        TestEvents.TASK_STARTED,
        e -> {
          events.shutdown();
          returned.countDown();
        });

    events.emit(TestEvents.TASK_STARTED);

    assertThat(returned.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(events.awaitTermination(Duration.ofSeconds(10))).isTrue();
    assertThat(events.emit(TestEvents.TASK_STARTED).accepted()).isFalse();
  }

  @Test
  void registerEvent_afterShutdown_returnsAnInactiveSubscription() {
    EventManager events = new EventManager();
    events.shutdown();

    try (LogCapture log = new LogCapture()) {
      Subscription late = events.registerEvent(TestEvents.TASK_STARTED, e -> {});

      assertThat(late.isActive()).isFalse();
      assertThat(log.text()).contains("registered after shutdown");
    }
  }

  @Test
  void subscriptions_areInactiveAfterShutdown() {
    EventManager events = new EventManager();
    Subscription subscription = events.registerEvent(TestEvents.TASK_STARTED, e -> {});

    events.shutdown();

    assertThat(subscription.isActive()).isFalse();
  }

  @Test
  void shutdown_interruptedWhileWaiting_returnsWithTheInterruptSet_deliveryGoesOn()
      throws Exception {
    EventManager events = EventManager.builder().workers(1).build();
    CountDownLatch release = new CountDownLatch(1);
    events.registerEvent(TestEvents.TASK_STARTED, e -> release.await());
    Emission pending = events.emit(TestEvents.TASK_STARTED);
    AtomicBoolean interruptKept = new AtomicBoolean();
    Thread shutter =
        new Thread(
            () -> {
              events.shutdown();
              interruptKept.set(Thread.currentThread().isInterrupted());
            });
    shutter.start();
    await().until(() -> shutter.getState() == Thread.State.TIMED_WAITING);

    shutter.interrupt();
    shutter.join(10_000);

    assertThat(shutter.isAlive()).isFalse();
    assertThat(interruptKept).isTrue();
    assertThat(events.isTerminated()).isFalse();
    release.countDown();
    assertThat(pending.await(Duration.ofSeconds(10))).isTrue();
    assertThat(pending.delivered()).isEqualTo(1);
    assertThat(events.awaitTermination(Duration.ofSeconds(10))).isTrue();
  }

  @Test
  void synchronousManager_shutsDownToo() {
    EventManager events = EventManager.builder().synchronous().build();
    Recorder recorder = new Recorder();
    events.registerEvent(TestEvents.TASK_STARTED, recorder);

    Emission emission = events.emit(TestEvents.TASK_STARTED);
    assertThat(emission.isDone()).isTrue(); // synchronous: delivered before emit returned
    events.shutdown();

    assertThat(events.isTerminated()).isTrue();
    assertThat(events.emit(TestEvents.TASK_STARTED).accepted()).isFalse();
    assertThat(recorder.count()).isEqualTo(1);
  }
}
