package org.jorchestrate.bench;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * How long a cache line takes to travel from one core to another and back, measured now: two
 * threads take turns writing a counter that the other waits for.
 *
 * <p>On a virtual machine this is the machine's phase: the host may place the two virtual CPUs on
 * cores that share a cache (a round trip well under 100 ns) or on cores far apart (several hundred
 * nanoseconds), and move them while a benchmark runs. Every handoff between an emitting thread and
 * a worker pays it, so throughput figures are only comparable with the round trip they were
 * measured at.
 */
final class CrossCoreProbe {

  private static final long GIVE_UP_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

  /* Reading the clock takes tens of nanoseconds here: the waits check it every 1,024 spins. */
  private static final int CLOCK_EVERY = 1023;

  /* The two counters, each on cache lines of its own. */
  private static final class Line {
    long p0, p1, p2, p3, p4, p5, p6, p7;
    volatile long value;
    long q0, q1, q2, q3, q4, q5, q6, q7;
  }

  private CrossCoreProbe() {}

  /**
   * Measures the round trip: the fastest of five timings of {@code roundTrips} each, after one
   * untimed (so that the JIT has compiled the loops). The fastest, because another thread that
   * takes one of the cores for a moment (the JIT compiler, the GC, a thread of the last contender
   * still winding down) can only slow a sample down.
   *
   * @param roundTrips how many to time in each sample
   * @return nanoseconds per round trip, or NaN if a sample did not finish within half a second
   *     (one processor, or a machine too busy to run both threads at once)
   */
  static double roundTripNanos(int roundTrips) {
    sample(roundTrips);
    double[] samples = new double[5];
    for (int i = 0; i < samples.length; i++) {
      samples[i] = sample(roundTrips);
      if (Double.isNaN(samples[i])) {
        return Double.NaN;
      }
    }
    return Arrays.stream(samples).min().orElseThrow();
  }

  private static double sample(int roundTrips) {
    Line ping = new Line();
    Line pong = new Line();
    long giveUpAt = System.nanoTime() + GIVE_UP_NANOS;
    Thread echo =
        new Thread(
            () -> {
              int spins = 0;
              for (long seen = 0; seen < roundTrips; ) {
                long now = ping.value;
                if (now != seen) {
                  seen = now;
                  pong.value = now;
                } else if ((++spins & CLOCK_EVERY) == 0 && System.nanoTime() > giveUpAt) {
                  return;
                } else {
                  Thread.onSpinWait();
                }
              }
            },
            "cross-core-echo");
    echo.setDaemon(true);
    echo.start();
    long start = System.nanoTime();
    int spins = 0;
    for (long i = 1; i <= roundTrips; i++) {
      ping.value = i;
      while (pong.value != i) {
        if ((++spins & CLOCK_EVERY) == 0 && System.nanoTime() > giveUpAt) {
          return Double.NaN;
        }
        Thread.onSpinWait();
      }
    }
    return (System.nanoTime() - start) / (double) roundTrips;
  }
}
