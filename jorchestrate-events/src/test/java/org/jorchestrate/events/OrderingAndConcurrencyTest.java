package org.jorchestrate.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jorchestrate.events.Awaits.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Per-subscription FIFO, no concurrent callbacks, and registration racing emission. */
@Timeout(120)
class OrderingAndConcurrencyTest {

  private static final int EMITTERS = 4;
  private static final int PER_EMITTER = 20_000;

  private final EventManager events = EventManager.builder().workers(4).build();

  @AfterEach
  void shutDown() {
    events.shutdown();
  }

  /** Checks FIFO per emitter, never-concurrent callbacks, and counts; thread-confined state. */
  private static final class SequenceChecker implements EventCallback {
    final int[] lastSeen = new int[EMITTERS];
    final AtomicInteger inside = new AtomicInteger();
    final AtomicBoolean overlapped = new AtomicBoolean();
    final ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
    volatile int received;

    SequenceChecker() {
      java.util.Arrays.fill(lastSeen, -1);
    }

    @Override
    public void onEvent(Event event) {
      if (inside.incrementAndGet() != 1) {
        overlapped.set(true);
      }
      int emitter = event.get("emitter", Integer.class);
      int seq = event.get("seq", Integer.class);
      if (seq != lastSeen[emitter] + 1) {
        violations.add("emitter " + emitter + ": " + seq + " after " + lastSeen[emitter]);
      }
      lastSeen[emitter] = seq;
      received++; // single writer: callbacks of one subscription never overlap
      inside.decrementAndGet();
    }
  }

  private void emitFromThreads(int emitters, int perEmitter, Runnable midway) throws Exception {
    CyclicBarrier start = new CyclicBarrier(emitters);
    List<Thread> threads = new ArrayList<>();
    for (int e = 0; e < emitters; e++) {
      int emitter = e;
      Thread thread =
          new Thread(
              () -> {
                try {
                  start.await();
                  for (int seq = 0; seq < perEmitter; seq++) {
                    events.emit(TestEvents.TASK_STARTED, "emitter", emitter, "seq", seq);
                    if (emitter == 0 && seq == perEmitter / 2) {
                      midway.run();
                    }
                  }
                } catch (Exception ex) {
                  throw new AssertionError(ex);
                }
              },
              "emitter-" + e);
      thread.start();
      threads.add(thread);
    }
    for (Thread thread : threads) {
      thread.join(TimeUnit.SECONDS.toMillis(60));
      assertThat(thread.isAlive()).as("%s finished", thread.getName()).isFalse();
    }
  }

  @Test
  void manyEmitters_eachSubscriptionSeesEveryEventInPerEmitterOrder_neverConcurrently()
      throws Exception {
    List<SequenceChecker> checkers = List.of(new SequenceChecker(), new SequenceChecker(),
        new SequenceChecker());
    checkers.forEach(c -> events.registerEvent(TestEvents.TASK_STARTED, c));

    emitFromThreads(EMITTERS, PER_EMITTER, () -> {});

    for (SequenceChecker checker : checkers) {
      await().until(() -> checker.received == EMITTERS * PER_EMITTER);
      assertThat(checker.violations).isEmpty();
      assertThat(checker.overlapped).isFalse();
      assertThat(checker.lastSeen).containsOnly(PER_EMITTER - 1);
    }
  }

  @Test
  void saturatedPool_reactivatedSubscriptionsStartLate_yetSeeEveryEventInOrder() throws Exception {
    // Twenty subscriptions on two workers and one emitter: a drain catches up, goes idle and is
    // re-activated by the next emission while other drains wait for a worker, which is when it
    // defers its start once (Mailbox.deferStart). That must neither lose, reorder nor overlap
    // anything, nor defer forever.
    EventManager saturated = EventManager.builder().workers(2).build();
    try {
      List<SequenceChecker> checkers = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        SequenceChecker checker = new SequenceChecker();
        checkers.add(checker);
        saturated.registerEvent(TestEvents.TASK_STARTED, checker);
      }
      int count = 20_000;
      for (int seq = 0; seq < count; seq++) {
        saturated.emit(TestEvents.TASK_STARTED, "emitter", 0, "seq", seq);
      }

      for (SequenceChecker checker : checkers) {
        await().until(() -> checker.received == count);
        assertThat(checker.violations).isEmpty();
        assertThat(checker.overlapped).isFalse();
        assertThat(checker.lastSeen[0]).isEqualTo(count - 1);
      }
    } finally {
      saturated.shutdown();
    }
  }

  /** Records, per emitter, the sequence numbers seen, to check they form one contiguous run. */
  private static final class RunRecorder implements EventCallback {
    final List<List<Integer>> seen = new ArrayList<>();

    RunRecorder() {
      for (int i = 0; i < EMITTERS; i++) {
        seen.add(new ArrayList<>());
      }
    }

    @Override
    public synchronized void onEvent(Event event) {
      seen.get(event.get("emitter", Integer.class)).add(event.get("seq", Integer.class));
    }

    synchronized void assertContiguousRuns(boolean mustReachEnd, boolean mustStartAtZero) {
      for (int e = 0; e < EMITTERS; e++) {
        List<Integer> run = seen.get(e);
        for (int i = 1; i < run.size(); i++) {
          assertThat(run.get(i)).as("emitter %d, index %d", e, i).isEqualTo(run.get(i - 1) + 1);
        }
        // Another emitter may have finished before, or started after, emitter 0's midway point,
        // leaving an empty run; a non-empty one must reach the end or start at 0.
        if (mustReachEnd && !run.isEmpty()) {
          assertThat(run).as("emitter %d", e).endsWith(PER_EMITTER - 1);
        }
        if (mustStartAtZero && !run.isEmpty()) {
          assertThat(run).as("emitter %d", e).startsWith(0);
        }
      }
    }
  }

  @Test
  void registerAndUnsubscribeDuringEmission_eachSeesOneContiguousRunPerEmitter()
      throws Exception {
    RunRecorder throughout = new RunRecorder();
    RunRecorder lateJoiner = new RunRecorder();
    RunRecorder earlyLeaver = new RunRecorder();
    Subscription throughoutSub = events.registerEvent(TestEvents.TASK_STARTED, throughout);
    Subscription leaving = events.registerEvent(TestEvents.TASK_STARTED, earlyLeaver);

    emitFromThreads(
        EMITTERS,
        PER_EMITTER,
        () -> {
          events.registerEvent(TestEvents.TASK_STARTED, lateJoiner);
          leaving.unsubscribe();
        });
    events.shutdown(); // waits for every accepted emission

    assertThat(throughoutSub.delivered()).isEqualTo((long) EMITTERS * PER_EMITTER);
    throughout.assertContiguousRuns(true, true);
    lateJoiner.assertContiguousRuns(true, false);
    earlyLeaver.assertContiguousRuns(false, true);
    // Emitter 0 registered and unsubscribed between its emissions PER_EMITTER / 2 and the next.
    assertThat(lateJoiner.seen.get(0)).startsWith(PER_EMITTER / 2 + 1).endsWith(PER_EMITTER - 1);
    assertThat(earlyLeaver.seen.get(0)).startsWith(0).endsWith(PER_EMITTER / 2);
  }

  @Test
  void emit_happensBeforeTheCallback_evenForPlainWrites() throws Exception {
    int count = 50_000;
    int[] data = new int[count]; // plain writes by the emitter, plain reads by the callback
    AtomicInteger mismatches = new AtomicInteger();
    AtomicInteger seen = new AtomicInteger();
    events.registerEvent(
        TestEvents.TASK_STARTED,
        e -> {
          int i = e.get("i", Integer.class);
          if (data[i] != i + 1) {
            mismatches.incrementAndGet();
          }
          seen.incrementAndGet();
        });

    for (int i = 0; i < count; i++) {
      data[i] = i + 1;
      events.emit(TestEvents.TASK_STARTED, "i", i);
    }

    await().until(() -> seen.get() == count);
    assertThat(mismatches).hasValue(0);
  }

  @Test
  void slowSubscription_delaysOnlyItself() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Recorder fast = new Recorder();
    events.registerEvent(TestEvents.TASK_STARTED, e -> release.await());
    events.registerEvent(TestEvents.TASK_STARTED, fast);

    for (int i = 0; i < 1_000; i++) {
      events.emit(TestEvents.TASK_STARTED, "i", i);
    }

    await().until(() -> fast.count() == 1_000);
    release.countDown();
  }

  @Test
  void manySubscriptions_allReceiveEverything() throws Exception {
    List<Subscription> subscriptions = new ArrayList<>();
    AtomicInteger total = new AtomicInteger();
    for (int i = 0; i < 300; i++) {
      subscriptions.add(events.registerEvent(TestEvents.TASK_STARTED, e -> total.incrementAndGet()));
    }

    Emission last = null;
    for (int i = 0; i < 1_000; i++) {
      last = events.emit(TestEvents.TASK_STARTED);
    }
    events.shutdown();

    assertThat(last.isDone()).isTrue();
    assertThat(total).hasValue(300_000);
    assertThat(subscriptions).allMatch(s -> s.delivered() == 1_000);
  }

  @Test
  void concurrentRegistration_fromManyThreads_losesNoSubscription() throws Exception {
    int threads = 8;
    int perThread = 200;
    CyclicBarrier start = new CyclicBarrier(threads);
    AtomicInteger received = new AtomicInteger();
    List<Thread> registrars = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread thread =
          new Thread(
              () -> {
                try {
                  start.await();
                  for (int i = 0; i < perThread; i++) {
                    events.registerEvent(TestEvents.TASK_COMPLETED, e -> received.incrementAndGet());
                  }
                } catch (Exception ex) {
                  throw new AssertionError(ex);
                }
              });
      thread.start();
      registrars.add(thread);
    }
    for (Thread thread : registrars) {
      thread.join();
    }

    Emission emission = events.emit(TestEvents.TASK_COMPLETED);

    assertThat(emission.subscribers()).isEqualTo(threads * perThread);
    assertThat(emission.await(Duration.ofSeconds(20))).isTrue();
    assertThat(received).hasValue(threads * perThread);
  }
}
