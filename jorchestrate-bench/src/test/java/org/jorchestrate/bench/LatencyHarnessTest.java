package org.jorchestrate.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The latency harness records every emission of its measurement and the CPU it cost. */
@Timeout(60)
class LatencyHarnessTest {

  @Test
  void measure_countsEveryEmission_andTheCoresTheProcessKeptBusy() {
    Suite.Latency result = LatencyHarness.measure("jorchestrate", 10_000, 1, 1);

    assertThat(result.count()).as("10,000 emissions a second for one second").isEqualTo(10_000);
    assertThat(result.p50()).isPositive().isLessThanOrEqualTo(result.p99());
    assertThat(result.p99()).isLessThanOrEqualTo(result.p999());
    assertThat(result.p999()).isLessThanOrEqualTo(result.max());
    // Emitting and delivering take some CPU; a process cannot keep more cores busy than it has
    // (plus one clock tick of rounding on each reading).
    assertThat(result.cores())
        .isPositive()
        .isLessThanOrEqualTo(Runtime.getRuntime().availableProcessors() + 0.02);
  }

  @Test
  void cores_showAWorkerThatBusyWaitsBetweenEvents() {
    int processors = Runtime.getRuntime().availableProcessors();

    Suite.Latency spinning = LatencyHarness.measure("jorchestrate-spin", 10_000, 1, 1);

    if (processors == 1) {
      // no spinning place on one processor (see Engine.startSpinning): the worker parks
      assertThat(spinning.cores()).isPositive().isLessThanOrEqualTo(1.02);
      return;
    }
    // Events 100 µs apart, a 10 ms watch: the worker never parks, so it alone keeps about one
    // core busy; a figure in the wrong unit or from the wrong clock would be far off.
    assertThat(spinning.cores()).isBetween(0.3, processors + 0.02);
  }
}
