package org.jorchestrate.events.stress;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.jorchestrate.events.Emission;
import org.jorchestrate.events.EventManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Randomised create → register → emit → shutdown cycles: every accepted emission is delivered
 * before shutdown() returns, every emission after it is refused, each shutdown is prompt, and the
 * manager's threads are gone afterwards. Short mode 10,000 cycles (the count), long mode
 * 100,000.
 */
@Timeout(600)
class StartStopRaceTest {

  enum Cycle {
    PING,
    PONG
  }

  private static int liveThreads(String prefix) {
    return (int)
        Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().startsWith(prefix) && t.isAlive())
            .count();
  }

  @Test
  void randomisedCycles_acceptedMeansDelivered_laterMeansRefused_noThreadLeft() throws Exception {
    int cycles = StressMode.pick(10_000, 100_000);
    SplittableRandom random = new SplittableRandom(42);
    long slowestShutdownNanos = 0;
    long accepted = 0;
    for (int cycle = 0; cycle < cycles; cycle++) {
      EventManager events =
          EventManager.builder().name("cycle").workers(1 + random.nextInt(3)).build();
      int subscriptions = 1 + random.nextInt(3);
      AtomicInteger[] received = new AtomicInteger[subscriptions];
      Set<Integer> seen = ConcurrentHashMap.newKeySet();
      for (int s = 0; s < subscriptions; s++) {
        AtomicInteger count = new AtomicInteger();
        received[s] = count;
        int subscription = s;
        events.registerEvent(
            random.nextBoolean() ? Cycle.PING : Cycle.PONG,
            e -> {
              count.incrementAndGet();
              seen.add(subscription * 1_000 + e.get("n", Integer.class));
            });
      }
      int emissions = random.nextInt(65);
      List<Emission> handles = new ArrayList<>(emissions);
      for (int n = 0; n < emissions; n++) {
        handles.add(events.emit(random.nextBoolean() ? Cycle.PING : Cycle.PONG, "n", n));
      }

      long start = System.nanoTime();
      events.shutdown();
      slowestShutdownNanos = Math.max(slowestShutdownNanos, System.nanoTime() - start);

      int expectedDeliveries = 0;
      for (Emission handle : handles) {
        assertThat(handle.accepted()).isTrue();
        assertThat(handle.isDone()).as("cycle %d: accepted, so done at shutdown", cycle).isTrue();
        assertThat(handle.delivered()).isEqualTo(handle.subscribers());
        expectedDeliveries += handle.subscribers();
        accepted++;
      }
      int actual = 0;
      for (AtomicInteger count : received) {
        actual += count.get();
      }
      assertThat(actual).as("cycle %d: deliveries", cycle).isEqualTo(expectedDeliveries);
      assertThat(seen).as("cycle %d: no duplicates", cycle).hasSize(expectedDeliveries);
      assertThat(events.emit(Cycle.PING, "n", -1).accepted()).isFalse();
      assertThat(events.isTerminated()).isTrue();
    }
    // the last cycle's pool threads may still be on their way out of a terminated pool
    Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> assertThat(liveThreads("jorchestrate-cycle-")).as("threads left").isZero());
    assertThat(TimeUnit.NANOSECONDS.toMillis(slowestShutdownNanos))
        .as("slowest shutdown (ms), a liveness bound, not a speed claim")
        .isLessThan(1_000);
    System.out.printf(
        "start/stop: %d cycles, %d accepted emissions, slowest shutdown %.2f ms%n",
        cycles, accepted, slowestShutdownNanos / 1e6);
  }
}
