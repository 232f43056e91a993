package org.jorchestrate.events.stress;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicLong;
import org.jorchestrate.events.Emission;
import org.jorchestrate.events.EventManager;
import org.jorchestrate.events.OverflowPolicy;
import org.jorchestrate.events.QueueFullException;
import org.jorchestrate.events.Subscription;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Timeout;

/**
 * Every overflow policy under pressure: capacity 1,024, a consumer slowed on purpose, four
 * producers. The books balance exactly: emitted = delivered + dropped + rejected, on the
 * subscription and summed over the emissions; BLOCK never drops. Short mode 4 × 50,000 emissions,
 * long mode 4 × 250,000 (the figures).
 */
@Timeout(600)
class OverflowAccountingTest {

  enum Load {
    ITEM
  }

  @ParameterizedTest
  @EnumSource(OverflowPolicy.class)
  void fourProducers_slowConsumer_booksBalanceExactly(OverflowPolicy policy) throws Exception {
    int producers = 4;
    int perProducer = StressMode.pick(50_000, 250_000);
    EventManager events =
        EventManager.builder().workers(2).queueCapacity(1_024).overflow(policy).build();
    AtomicLong callbacks = new AtomicLong();
    Subscription slow =
        events.registerEvent(
            Load.ITEM,
            e -> {
              callbacks.incrementAndGet();
              for (int spin = 0; spin < 20; spin++) {
                Thread.onSpinWait(); // slowed on purpose: the queue must fill
              }
            });
    AtomicLong rejected = new AtomicLong();
    List<List<Emission>> handles = new ArrayList<>();
    CyclicBarrier start = new CyclicBarrier(producers);
    List<Thread> threads = new ArrayList<>();
    for (int p = 0; p < producers; p++) {
      List<Emission> mine = new ArrayList<>(perProducer);
      handles.add(mine);
      Thread thread =
          new Thread(
              () -> {
                try {
                  start.await();
                } catch (Exception e) {
                  throw new AssertionError(e);
                }
                for (int i = 0; i < perProducer; i++) {
                  try {
                    mine.add(events.emit(Load.ITEM, "i", i));
                  } catch (QueueFullException full) {
                    rejected.incrementAndGet();
                  }
                }
              });
      thread.start();
      threads.add(thread);
    }
    for (Thread thread : threads) {
      thread.join();
    }
    events.shutdown();

    long emitted = (long) producers * perProducer;
    long delivered = 0;
    long dropped = 0;
    for (List<Emission> mine : handles) {
      for (Emission emission : mine) {
        assertThat(emission.isDone()).isTrue();
        delivered += emission.delivered();
        dropped += emission.dropped();
      }
    }
    assertThat(delivered + dropped + rejected.get()).as("emissions' books").isEqualTo(emitted);
    assertThat(slow.delivered() + slow.dropped() + rejected.get())
        .as("subscription's books")
        .isEqualTo(emitted);
    assertThat(slow.delivered()).isEqualTo(delivered).isEqualTo(callbacks.get());
    assertThat(slow.dropped()).isEqualTo(dropped);
    if (policy == OverflowPolicy.BLOCK) {
      assertThat(dropped + rejected.get()).as("BLOCK loses nothing").isZero();
    } else {
      assertThat(dropped + rejected.get()).as("%s had to shed load", policy).isPositive();
    }
    System.out.printf(
        "overflow %s: emitted %d = delivered %d + dropped %d + rejected %d%n",
        policy, emitted, delivered, dropped, rejected.get());
  }
}
