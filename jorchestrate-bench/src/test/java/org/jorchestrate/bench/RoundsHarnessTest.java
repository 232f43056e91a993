package org.jorchestrate.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The interleaved-rounds harness measures every contender in every round, with two emitters. */
@Timeout(120)
class RoundsHarnessTest {

  @Test
  void everyContender_getsAFigureInEveryRound() throws Exception {
    List<String> names = List.of("jorchestrate", "naive-port", "disruptor-blocking");

    Map<String, double[]> results = RoundsHarness.run(names, 2, 2, 2, 20, 50);

    assertThat(results).containsOnlyKeys(names);
    for (double[] perRound : results.values()) {
      assertThat(perRound).hasSize(2);
      for (double deliveriesPerSecond : perRound) {
        assertThat(deliveriesPerSecond).isPositive().isFinite();
      }
    }
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
