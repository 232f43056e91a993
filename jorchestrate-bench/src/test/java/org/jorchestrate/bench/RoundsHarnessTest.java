package org.jorchestrate.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The interleaved-rounds harness measures every contender in every round, with two emitters, and
 * the CPU each delivery cost.
 */
@Timeout(120)
class RoundsHarnessTest {

  @Test
  void everyContender_getsAFigureInEveryRound() throws Exception {
    List<String> names = List.of("jorchestrate", "naive-port", "disruptor-blocking");

    Map<String, RoundsHarness.Turn[]> results = RoundsHarness.run(names, 2, 2, 2, 20, 50);

    assertThat(results).containsOnlyKeys(names);
    for (RoundsHarness.Turn[] perRound : results.values()) {
      assertThat(perRound).hasSize(2);
      for (RoundsHarness.Turn turn : perRound) {
        assertThat(turn.deliveriesPerSecond()).isPositive().isFinite();
        // the process's CPU is counted in 10 ms ticks: a 50 ms turn may show none
        assertThat(turn.cpuNanosPerDelivery()).isNotNegative().isFinite();
        assertThat(turn.crossCoreNanos()).satisfiesAnyOf(
            nanos -> assertThat(nanos).isNaN(), nanos -> assertThat(nanos).isPositive());
      }
    }
  }

  @Test
  void cpuPerDelivery_timesDeliveriesPerSecond_isTheCoresTheProcessKeptBusy() throws Exception {
    RoundsHarness.Turn turn =
        RoundsHarness.run(List.of("jorchestrate"), 1, 1, 1, 50, 400).get("jorchestrate")[0];

    // The emitter alone is busy most of the time: well above a fifth of a core. No process keeps
    // more cores busy than it has; the slack covers the 10 ms tick of the CPU clock.
    double cores = turn.cpuNanosPerDelivery() * turn.deliveriesPerSecond() / 1e9;
    assertThat(cores).isBetween(0.2, Runtime.getRuntime().availableProcessors() + 0.1);
  }

  @Test
  void median_ofOddAndEvenCounts_leavesOutFailedRounds() {
    assertThat(Suite.median(new double[] {5, 1, 3})).isEqualTo(3);
    assertThat(Suite.median(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
    assertThat(Suite.median(new double[0])).isNaN();
    assertThat(Suite.median(new double[] {Double.NaN, 1, 3})).as("failed rounds left out")
        .isEqualTo(2);
  }
}
