package org.jorchestrate.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.jorchestrate.events.Awaits.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Each overflow policy on a subscription with capacity 4 whose callback is held on a latch: the
 * first event is inside the callback, the next 4 fill the queue.
 */
@Timeout(60)
class OverflowPolicyTest {

  private static final int CAPACITY = 4;

  private final CountDownLatch entered = new CountDownLatch(1);
  private final CountDownLatch release = new CountDownLatch(1);
  private final List<Integer> delivered = new ArrayList<>();
  private EventManager events;
  private Subscription held;
  private final Recorder unaffected = new Recorder();

  private void start(OverflowPolicy policy) {
    events =
        EventManager.builder().workers(2).queueCapacity(CAPACITY).overflow(policy).build();
    held =
        events.registerEvent(
            TestEvents.TASK_STARTED,
            e -> {
              entered.countDown();
              release.await();
              synchronized (delivered) {
                delivered.add(e.get("i", Integer.class));
              }
            });
    events.registerEvent(TestEvents.TASK_STARTED, unaffected);
  }

  /** Emits event 0 and waits until the held callback is inside it, with the queue empty. */
  private void holdFirst() throws InterruptedException {
    events.emit(TestEvents.TASK_STARTED, "i", 0);
    assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
  }

  /**
   * Emits event i and waits until the unaffected subscription took it, so that only the held
   * subscription's queue fills and the policy's effect on it is exact.
   */
  private Emission emitSettled(int i) {
    Emission emission = events.emit(TestEvents.TASK_STARTED, "i", i);
    await().until(() -> unaffected.count() == i + 1);
    return emission;
  }

  private List<Integer> deliveredSoFar() {
    synchronized (delivered) {
      return List.copyOf(delivered);
    }
  }

  @AfterEach
  void shutDown() {
    release.countDown();
    if (events != null) {
      events.shutdown();
    }
  }

  @Test
  void block_fullQueue_emitterWaitsThenLosesNothing() throws Exception {
    start(OverflowPolicy.BLOCK);
    holdFirst();
    AtomicInteger emitted = new AtomicInteger(1);
    Thread emitter =
        new Thread(
            () -> {
              for (int i = 1; i < 10; i++) {
                events.emit(TestEvents.TASK_STARTED, "i", i);
                emitted.incrementAndGet();
              }
            });
    emitter.start();

    await().until(() -> emitter.getState() == Thread.State.WAITING);
    assertThat(emitted).hasValue(1 + CAPACITY); // 0 in the callback, 1..4 queued, 5 waits
    assertThat(held.backlog()).isEqualTo(CAPACITY);
    release.countDown();
    emitter.join(10_000);

    assertThat(emitter.isAlive()).isFalse();
    await().until(() -> deliveredSoFar().size() == 10);
    assertThat(deliveredSoFar()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
    assertThat(held.dropped()).isZero();
    assertThat(unaffected.count()).isEqualTo(10);
  }

  @Test
  void block_emitterWaitingForAFullSubscription_doesNotHoldBackTheOthers() throws Exception {
    events = EventManager.builder().workers(2).queueCapacity(1).build();
    Recorder first = new Recorder(); // registered first, so offered to before the full one
    events.registerEvent(TestEvents.TASK_STARTED, first);
    held =
        events.registerEvent(
            TestEvents.TASK_STARTED,
            e -> {
              entered.countDown();
              release.await();
            });
    events.emit(TestEvents.TASK_STARTED, "i", 0);
    assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
    events.emit(TestEvents.TASK_STARTED, "i", 1); // fills the held queue
    await().until(() -> first.count() == 2);
    Thread emitter = new Thread(() -> events.emit(TestEvents.TASK_STARTED, "i", 2));
    emitter.start();
    await().until(() -> emitter.getState() == Thread.State.WAITING);

    // The emitter waits for room in the held subscription; the first one already has event 2.
    await().until(() -> first.count() == 3);
    assertThat(emitter.isAlive()).isTrue();
    release.countDown();
    emitter.join(10_000);
    assertThat(emitter.isAlive()).isFalse();
  }

  @Test
  void block_interruptedEmitter_dropsOnlyForTheFullSubscription_andKeepsTheInterrupt()
      throws Exception {
    start(OverflowPolicy.BLOCK);
    holdFirst();
    for (int i = 1; i <= CAPACITY; i++) {
      events.emit(TestEvents.TASK_STARTED, "i", i);
    }
    AtomicReference<Emission> blocked = new AtomicReference<>();
    AtomicBoolean stillInterrupted = new AtomicBoolean();
    Thread emitter =
        new Thread(
            () -> {
              blocked.set(events.emit(TestEvents.TASK_STARTED, "i", 99));
              stillInterrupted.set(Thread.currentThread().isInterrupted());
            });
    emitter.start();
    await().until(() -> emitter.getState() == Thread.State.WAITING);

    try (LogCapture log = new LogCapture()) {
      emitter.interrupt();
      emitter.join(10_000);

      assertThat(log.text()).contains("interrupted while waiting for room");
    }
    assertThat(stillInterrupted).isTrue();
    release.countDown();
    assertThat(blocked.get().await(Duration.ofSeconds(10))).isTrue();
    assertThat(blocked.get().dropped()).isEqualTo(1);
    assertThat(blocked.get().delivered()).isEqualTo(1); // the other subscription got it
    assertThat(held.dropped()).isEqualTo(1);
    await().until(() -> deliveredSoFar().size() == 1 + CAPACITY);
    assertThat(deliveredSoFar()).doesNotContain(99);
  }

  @Test
  void block_unsubscribeReleasesBlockedEmitter_andTheEventIsStillDelivered() throws Exception {
    start(OverflowPolicy.BLOCK);
    holdFirst();
    for (int i = 1; i <= CAPACITY; i++) {
      events.emit(TestEvents.TASK_STARTED, "i", i);
    }
    AtomicReference<Emission> blocked = new AtomicReference<>();
    Thread emitter = new Thread(() -> blocked.set(events.emit(TestEvents.TASK_STARTED, "i", 5)));
    emitter.start();
    await().until(() -> emitter.getState() == Thread.State.WAITING);

    held.unsubscribe();
    emitter.join(10_000);

    assertThat(emitter.isAlive()).isFalse();
    release.countDown();
    assertThat(blocked.get().await(Duration.ofSeconds(10))).isTrue();
    assertThat(deliveredSoFar()).containsExactly(0, 1, 2, 3, 4, 5);
  }

  @Test
  void block_callbackEmittingIntoItsOwnFullQueue_doesNotDeadlock() throws Exception {
    events = EventManager.builder().workers(1).queueCapacity(2).build();
    AtomicInteger children = new AtomicInteger();
    List<Emission> spawned = new ArrayList<>();
    events.registerEvent(
        TestEvents.TASK_STARTED,
        e -> {
          if (e.get("child") == null) {
            for (int i = 0; i < 50; i++) {
              Emission child = events.emit(TestEvents.TASK_STARTED, "child", i);
              synchronized (spawned) {
                spawned.add(child);
              }
            }
          } else {
            children.incrementAndGet();
          }
        });

    Emission parent = events.emit(TestEvents.TASK_STARTED);

    assertThat(parent.await(Duration.ofSeconds(10))).isTrue();
    await().until(() -> children.get() == 50);
    synchronized (spawned) {
      assertThat(spawned).allMatch(em -> em.dropped() == 0 && em.accepted());
    }
  }

  @Test
  void dropNewest_fullQueue_dropsTheNewEvent_countsAndLogsIt() throws Exception {
    start(OverflowPolicy.DROP_NEWEST);
    holdFirst();
    List<Emission> emissions = new ArrayList<>();

    try (LogCapture log = new LogCapture()) {
      for (int i = 1; i < 10; i++) {
        emissions.add(emitSettled(i));
      }
      assertThat(log.text()).contains("WARN").contains("DROP_NEWEST").contains("i=5");
    }
    release.countDown();
    await().until(() -> deliveredSoFar().size() == 1 + CAPACITY);

    assertThat(deliveredSoFar()).containsExactly(0, 1, 2, 3, 4);
    assertThat(held.dropped()).isEqualTo(5);
    assertThat(emissions).extracting(Emission::dropped).containsExactly(0, 0, 0, 0, 1, 1, 1, 1, 1);
    for (Emission emission : emissions) {
      assertThat(emission.await(Duration.ofSeconds(10))).isTrue();
      assertThat(emission.delivered() + emission.dropped()).isEqualTo(2);
    }
    assertThat(unaffected.count()).isEqualTo(10);
  }

  @Test
  void dropOldest_fullQueue_dropsTheOldestQueuedEvents() throws Exception {
    start(OverflowPolicy.DROP_OLDEST);
    holdFirst();
    List<Emission> emissions = new ArrayList<>();
    for (int i = 1; i < 10; i++) {
      emissions.add(emitSettled(i));
    }

    release.countDown();
    await().until(() -> deliveredSoFar().size() == 1 + CAPACITY);

    assertThat(deliveredSoFar()).containsExactly(0, 6, 7, 8, 9);
    assertThat(held.dropped()).isEqualTo(5);
    assertThat(emissions).extracting(Emission::dropped).containsExactly(1, 1, 1, 1, 1, 0, 0, 0, 0);
    assertThat(unaffected.count()).isEqualTo(10);
  }

  @Test
  void fail_fullQueue_throwsAndQueuesToNoSubscription() throws Exception {
    start(OverflowPolicy.FAIL);
    holdFirst();
    await().until(() -> unaffected.count() == 1);
    for (int i = 1; i <= CAPACITY; i++) {
      emitSettled(i);
    }

    assertThatThrownBy(() -> events.emit(TestEvents.TASK_STARTED, "i", 5))
        .isInstanceOf(QueueFullException.class)
        .hasMessageContaining("emit(TestEvents.TASK_STARTED)")
        .hasMessageContaining("capacity of 4")
        .hasMessageContaining("nothing was queued")
        .hasMessageContaining("raise queueCapacity");

    release.countDown();
    await().until(() -> deliveredSoFar().size() == 1 + CAPACITY);
    Emission after = events.emit(TestEvents.TASK_STARTED, "i", 6);
    assertThat(after.await(Duration.ofSeconds(10))).isTrue();
    assertThat(unaffected.events()).extracting(e -> e.get("i")).containsExactly(0, 1, 2, 3, 4, 6);
    assertThat(deliveredSoFar()).containsExactly(0, 1, 2, 3, 4, 6);
  }

  @Test
  void manyProducers_everyPolicy_booksBalance() throws Exception {
    for (OverflowPolicy policy : OverflowPolicy.values()) {
      EventManager manager =
          EventManager.builder().workers(2).queueCapacity(64).overflow(policy).build();
      AtomicInteger received = new AtomicInteger();
      Subscription slow =
          manager.registerEvent(
              TestEvents.TASK_STARTED,
              e -> {
                received.incrementAndGet();
                Thread.onSpinWait();
              });
      AtomicInteger rejected = new AtomicInteger();
      int producers = 4;
      int perProducer = 20_000;
      List<Thread> threads = new ArrayList<>();
      for (int p = 0; p < producers; p++) {
        Thread thread =
            new Thread(
                () -> {
                  for (int i = 0; i < perProducer; i++) {
                    try {
                      manager.emit(TestEvents.TASK_STARTED, "i", i);
                    } catch (QueueFullException full) {
                      rejected.incrementAndGet();
                    }
                  }
                });
        thread.start();
        threads.add(thread);
      }
      for (Thread thread : threads) {
        thread.join(30_000);
      }
      manager.shutdown();

      long emitted = (long) producers * perProducer;
      assertThat(slow.delivered() + slow.dropped() + rejected.get())
          .as("books of %s", policy)
          .isEqualTo(emitted);
      assertThat(received.get()).as("callbacks of %s", policy).isEqualTo(slow.delivered());
      if (policy == OverflowPolicy.BLOCK) {
        assertThat(slow.dropped()).isZero();
        assertThat(rejected).hasValue(0);
      }
    }
  }
}
