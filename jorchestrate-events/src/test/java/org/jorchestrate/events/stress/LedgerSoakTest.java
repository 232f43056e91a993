package org.jorchestrate.events.stress;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import org.jorchestrate.events.Event;
import org.jorchestrate.events.EventCallback;
import org.jorchestrate.events.EventManager;
import org.jorchestrate.events.Subscription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The ledger soak: four emitters into subscriptions that are fast, slow, throwing (every 7th
 * event, Errors included), blocking now and then, and others being added and removed, ending in a
 * shutdown at a random moment. Afterwards every subscription's books balance exactly: what it was
 * given = delivered + failed (nothing dropped under the default BLOCK policy), nothing twice, and
 * each emitter's events in order. Short mode 1,000,000 emissions, long mode 10,000,000 (run by
 * {@code stress/run-long.sh}, which also prints the ledger).
 */
@Timeout(900)
class LedgerSoakTest {

  enum Soak {
    TICK
  }

  private static final int EMITTERS = 4;

  /** A callback that keeps a subscription's ledger: count, duplicates and order per emitter. */
  static class Ledger implements EventCallback {
    final String name;
    final long[] lastSeq = new long[EMITTERS]; // callbacks of one subscription never overlap
    final long[] firstSeq = new long[EMITTERS];
    long calls;
    long outOfOrder;
    long gaps;
    long thrown;
    volatile long seenCalls; // published for the checks, after the run

    Ledger(String name) {
      this.name = name;
      java.util.Arrays.fill(lastSeq, -1);
      java.util.Arrays.fill(firstSeq, -1);
    }

    @Override
    public void onEvent(Event event) throws Exception {
      int emitter = event.get("emitter", Integer.class);
      long seq = event.get("seq", Long.class);
      calls++;
      if (lastSeq[emitter] >= seq) {
        outOfOrder++; // a duplicate or a reordering
      } else if (lastSeq[emitter] >= 0 && seq != lastSeq[emitter] + 1) {
        gaps++; // an event of this emitter skipped while subscribed throughout
      }
      if (firstSeq[emitter] < 0) {
        firstSeq[emitter] = seq;
      }
      lastSeq[emitter] = seq;
      seenCalls = calls;
      work(seq);
    }

    void work(long seq) throws Exception {}
  }

  @Test
  void soak_booksBalancePerSubscription_nothingLostDuplicatedOrReordered() throws Exception {
    long planned = StressMode.pick(1_000_000, 10_000_000);
    long perEmitter = planned / EMITTERS;
    SplittableRandom random = new SplittableRandom(7);
    EventManager events = EventManager.builder().name("soak").build();

    Ledger fast = new Ledger("fast");
    Ledger slow =
        new Ledger("slow") {
          @Override
          void work(long seq) {
            for (int i = 0; i < 30; i++) {
              Thread.onSpinWait();
            }
          }
        };
    Ledger throwing =
        new Ledger("throwing") {
          @Override
          void work(long seq) throws Exception {
            if (seq % 7 == 0) {
              thrown++;
              switch ((int) (seq / 7 % 4)) {
                case 0 -> throw new IllegalStateException("every 7th");
                case 1 -> throw new AssertionError("every 7th");
                case 2 -> throw new StackOverflowError("every 7th");
                default -> throw new Exception("every 7th");
              }
            }
          }
        };
    Ledger blocking =
        new Ledger("blocking") {
          @Override
          void work(long seq) {
            if (seq % 5_000 == 0) {
              LockSupport.parkNanos(1_000_000); // blocks now and then, for a millisecond
            }
          }
        };
    List<Ledger> throughout = List.of(fast, slow, throwing, blocking);
    List<Subscription> throughoutSubs = new ArrayList<>();
    for (Ledger ledger : throughout) {
      throughoutSubs.add(events.registerEvent(Soak.TICK, ledger));
    }

    AtomicLongArray accepted = new AtomicLongArray(EMITTERS);
    AtomicBoolean stop = new AtomicBoolean();
    List<Ledger> churned = new ArrayList<>();
    List<Subscription> churnedSubs = new ArrayList<>();
    Thread churner =
        new Thread(
            () -> {
              SplittableRandom rnd = new SplittableRandom(11);
              List<Subscription> live = new ArrayList<>();
              while (!stop.get() && !events.isShutdown()) {
                Ledger ledger = new Ledger("churn");
                Subscription subscription = events.registerEvent(Soak.TICK, ledger);
                synchronized (churned) {
                  churned.add(ledger);
                  churnedSubs.add(subscription);
                }
                live.add(subscription);
                if (live.size() > 3) {
                  live.remove(rnd.nextInt(live.size())).unsubscribe();
                }
                LockSupport.parkNanos(2_000_000);
              }
            },
            "churner");

    Runtime runtime = Runtime.getRuntime();
    AtomicLong peakHeap = new AtomicLong();
    Thread heapWatcher =
        new Thread(
            () -> {
              while (!stop.get()) {
                peakHeap.accumulateAndGet(
                    runtime.totalMemory() - runtime.freeMemory(), Math::max);
                LockSupport.parkNanos(20_000_000);
              }
            },
            "heap-watcher");

    long shutdownAfter = (long) (planned * (0.9 + 0.2 * random.nextDouble()));
    AtomicLong emittedSoFar = new AtomicLong();
    CyclicBarrier start = new CyclicBarrier(EMITTERS);
    List<Thread> emitters = new ArrayList<>();
    for (int e = 0; e < EMITTERS; e++) {
      int emitter = e;
      Thread thread =
          new Thread(
              () -> {
                try {
                  start.await();
                } catch (Exception ex) {
                  throw new AssertionError(ex);
                }
                for (long seq = 0; seq < perEmitter; seq++) {
                  if (!events.emit(Soak.TICK, "emitter", emitter, "seq", seq).accepted()) {
                    return; // refused once the shutdown began: every later emit is too
                  }
                  accepted.incrementAndGet(emitter);
                  emittedSoFar.incrementAndGet();
                }
              },
              "emitter-" + e);
      thread.start();
      emitters.add(thread);
    }
    churner.start();
    heapWatcher.start();
    long began = System.nanoTime();
    while (emittedSoFar.get() < shutdownAfter && emitters.stream().anyMatch(Thread::isAlive)) {
      LockSupport.parkNanos(1_000_000);
    }
    events.shutdown(); // at a random moment: 90-110 % of the planned emissions
    for (Thread thread : emitters) {
      thread.join();
    }
    stop.set(true);
    churner.join();
    heapWatcher.join();
    double seconds = (System.nanoTime() - began) / 1e9;

    long total = 0;
    for (int e = 0; e < EMITTERS; e++) {
      total += accepted.get(e);
    }
    StringBuilder ledgerReport = new StringBuilder();
    for (int i = 0; i < throughout.size(); i++) {
      Ledger ledger = throughout.get(i);
      Subscription subscription = throughoutSubs.get(i);
      assertThat(ledger.seenCalls).as("%s: callbacks", ledger.name).isEqualTo(total);
      assertThat(subscription.delivered() + subscription.failed())
          .as("%s: accepted = delivered + failed", ledger.name)
          .isEqualTo(total);
      assertThat(subscription.dropped()).as("%s: dropped", ledger.name).isZero();
      assertThat(subscription.failed()).as("%s: failed", ledger.name).isEqualTo(ledger.thrown);
      assertThat(ledger.outOfOrder).as("%s: duplicated or reordered", ledger.name).isZero();
      assertThat(ledger.gaps).as("%s: skipped", ledger.name).isZero();
      for (int e = 0; e < EMITTERS; e++) {
        assertThat(ledger.lastSeq[e] + 1).as("%s: emitter %d", ledger.name, e)
            .isEqualTo(accepted.get(e));
      }
      ledgerReport.append(
          String.format(
              "  %-9s given %,d = delivered %,d + failed %,d + dropped %,d%n",
              ledger.name, total, subscription.delivered(), subscription.failed(),
              subscription.dropped()));
    }
    synchronized (churned) {
      long churnedCalls = 0;
      for (int i = 0; i < churned.size(); i++) {
        Ledger ledger = churned.get(i);
        Subscription subscription = churnedSubs.get(i);
        assertThat(ledger.outOfOrder).as("churned %d: duplicated or reordered", i).isZero();
        assertThat(ledger.gaps).as("churned %d: skipped inside its run", i).isZero();
        assertThat(subscription.delivered() + subscription.failed())
            .as("churned %d: delivered + failed = callbacks", i)
            .isEqualTo(ledger.seenCalls);
        churnedCalls += ledger.seenCalls;
      }
      ledgerReport.append(
          String.format(
              "  churned   %d subscriptions added and removed, %,d callbacks, each in order%n",
              churned.size(), churnedCalls));
    }
    assertThat(total).as("accepted emissions").isPositive();
    System.out.printf(
        "ledger soak: %,d of %,d planned emissions accepted before the shutdown, in %.1f s;"
            + " peak heap %,d MB%n%s",
        total, planned, seconds, peakHeap.get() >> 20, ledgerReport);
  }
}
