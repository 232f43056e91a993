package org.jorchestrate.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Throughput of every contender in interleaved rounds, for ratios that a drifting machine cannot
 * bias: each round runs every contender once, back to back, in an order rotated from round to
 * round, so that a contender and its peers are measured within seconds of each other; the report
 * takes medians over the rounds. (JMH runs one contender after the other for minutes; on a shared
 * VM whose speed drifts by up to 3× within an hour, that skews ratios between contenders.)
 *
 * <p>The workload is {@link ThroughputBenchmark}'s: each emitting thread emits batches of {@value
 * ThroughputBenchmark#BATCH} with two parameters and waits until every listener reported every
 * emission of its batch, so an emission counts only once its callbacks ran. Each contender is
 * started for its turn and closed after it (no idle peer holds a core meanwhile); one unmeasured
 * round first warms up every contender's code.
 *
 * <p>{@code java -cp benchmarks.jar org.jorchestrate.bench.RoundsHarness <listeners> <emitters>
 * <rounds> <warm-up ms> <measure ms> [contender,...]} prints one line per contender and round:
 * {@code ROUND <contender> <round> <deliveries per second> <CPU ns per delivery> <cross-core
 * round trip ns>}, and {@code FAILED <contender> <round> <why>} for a turn in which the contender
 * failed, for example lost a delivery (round 0 is the warm-up). The CPU figure is the whole
 * process's CPU time over the measured part of the turn; the round trip is measured just before
 * the turn (see {@link Turn}).
 */
public final class RoundsHarness {

  /* Six samples of this many: about 12 ms when the cores are far apart, 2 ms when they are close. */
  private static final int CROSS_CORE_ROUND_TRIPS = 4_000;

  private RoundsHarness() {}

  /**
   * Runs the rounds.
   *
   * @param args listeners, emitters, rounds, warm-up and measurement milliseconds per turn, and
   *     optionally a comma-separated list of contenders (default: all)
   * @throws InterruptedException if interrupted
   */
  public static void main(String[] args) throws InterruptedException {
    List<String> names = args.length > 5 ? List.of(args[5].split(",")) : Contenders.NAMES;
    Map<String, Turn[]> results =
        run(
            names,
            Integer.parseInt(args[0]),
            Integer.parseInt(args[1]),
            Integer.parseInt(args[2]),
            Long.parseLong(args[3]),
            Long.parseLong(args[4]));
    for (Map.Entry<String, Turn[]> result : results.entrySet()) {
      Turn[] perRound = result.getValue();
      for (int round = 0; round < perRound.length; round++) {
        System.out.printf(
            Locale.ROOT,
            "ROUND %s %d %.1f %.1f %.1f%n",
            result.getKey(),
            round + 1,
            perRound[round].deliveriesPerSecond(),
            perRound[round].cpuNanosPerDelivery(),
            perRound[round].crossCoreNanos());
      }
    }
    System.exit(0);
  }

  /**
   * Runs a warm-up round and then the measured rounds.
   *
   * @param names the contenders
   * @param listeners listeners on the one event
   * @param emitters emitting threads
   * @param rounds measured rounds
   * @param warmupMillis warm-up of each turn
   * @param measureMillis measurement of each turn
   * @return each contender's turns, by round
   * @throws InterruptedException if interrupted
   */
  static Map<String, Turn[]> run(
      List<String> names,
      int listeners,
      int emitters,
      int rounds,
      long warmupMillis,
      long measureMillis)
      throws InterruptedException {
    Map<String, Turn[]> results = new LinkedHashMap<>();
    for (String name : names) { // round 0: warm-up, not reported
      turn(name, 0, listeners, emitters, warmupMillis + measureMillis, 0);
      results.put(name, new Turn[rounds]);
    }
    for (int round = 0; round < rounds; round++) {
      for (int i = 0; i < names.size(); i++) {
        String name = names.get((i + round) % names.size());
        results.get(name)[round] =
            turn(name, round + 1, listeners, emitters, warmupMillis, measureMillis);
      }
    }
    return results;
  }

  /**
   * What one contender's turn measured.
   *
   * @param deliveriesPerSecond callbacks run per second, NaN if the contender failed
   * @param cpuNanosPerDelivery CPU time the whole process spent while measuring (every thread: the
   *     emitters', the contender's, the JVM's), divided by the deliveries; NaN if it failed
   * @param crossCoreNanos the cache line round trip between two cores just before the turn ({@link
   *     CrossCoreProbe}), NaN if it could not be measured
   */
  record Turn(double deliveriesPerSecond, double cpuNanosPerDelivery, double crossCoreNanos) {
    static Turn failed(double crossCoreNanos) {
      return new Turn(Double.NaN, Double.NaN, crossCoreNanos);
    }
  }

  /*
   * One contender's turn: started, warmed up, measured, closed. Returns a failed Turn if the
   * contender failed (for example, lost a delivery: Sink gives up after a minute), which is printed
   * as a FAILED line.
   */
  private static Turn turn(
      String name, int round, int listeners, int emitters, long warmupMillis, long measureMillis)
      throws InterruptedException {
    double crossCore = CrossCoreProbe.roundTripNanos(CROSS_CORE_ROUND_TRIPS);
    try (Contender system = Contenders.create(name, listeners)) {
      long start = System.nanoTime();
      long measureFrom = start + TimeUnit.MILLISECONDS.toNanos(warmupMillis);
      long end = measureFrom + TimeUnit.MILLISECONDS.toNanos(measureMillis);
      AtomicLong emitted = new AtomicLong();
      AtomicLong finished = new AtomicLong();
      AtomicLong cpuAtMeasureStart = new AtomicLong(-1);
      CountDownLatch done = new CountDownLatch(emitters);
      AtomicReference<RuntimeException> failure = new AtomicReference<>();
      List<Thread> threads = new ArrayList<>();
      for (int e = 0; e < emitters; e++) {
        Thread thread =
            new Thread(
                () -> {
                  try {
                    emitUntil(
                        system, listeners, measureFrom, end, emitted, finished, cpuAtMeasureStart);
                  } catch (RuntimeException failed) {
                    failure.compareAndSet(null, failed);
                  } finally {
                    done.countDown();
                  }
                },
                "emitter-" + e);
        threads.add(thread);
        thread.start();
      }
      if (!done.await(5, TimeUnit.MINUTES)) {
        throw new IllegalStateException(name + " did not finish its turn");
      }
      long cpu = ProcessCpu.nanos() - cpuAtMeasureStart.get();
      RuntimeException failed = failure.get();
      if (failed != null) {
        System.out.printf(
            Locale.ROOT, "FAILED %s %d %s%n", name, round, String.valueOf(failed.getMessage()));
        return Turn.failed(crossCore);
      }
      long elapsed = finished.get() - measureFrom;
      double deliveries = emitted.get() * (double) listeners;
      return elapsed <= 0 || deliveries == 0
          ? Turn.failed(crossCore)
          : new Turn(deliveries * 1e9 / elapsed, cpu / deliveries, crossCore);
    }
  }

  /*
   * Emits batches until `end`, counting the emissions of batches that started after
   * `measureFrom`; records in `finished` when the last counted batch was fully delivered, and in
   * `cpuAtMeasureStart` the process's CPU time when the first emitter began counting.
   */
  private static void emitUntil(
      Contender system,
      int listeners,
      long measureFrom,
      long end,
      AtomicLong emitted,
      AtomicLong finished,
      AtomicLong cpuAtMeasureStart) {
    Sink sink = new Sink(listeners);
    long sequence = 0;
    long expected = 0;
    while (System.nanoTime() < measureFrom) {
      for (int i = 0; i < ThroughputBenchmark.BATCH; i++) {
        system.emit(sequence++, sink);
      }
      expected += (long) ThroughputBenchmark.BATCH * listeners;
      sink.awaitDelivered(expected);
    }
    long counted = 0;
    long now;
    cpuAtMeasureStart.compareAndSet(-1, ProcessCpu.nanos());
    do {
      for (int i = 0; i < ThroughputBenchmark.BATCH; i++) {
        system.emit(sequence++, sink);
      }
      expected += (long) ThroughputBenchmark.BATCH * listeners;
      sink.awaitDelivered(expected);
      counted += ThroughputBenchmark.BATCH;
      now = System.nanoTime();
    } while (now < end);
    emitted.addAndGet(counted);
    finished.accumulateAndGet(now, Math::max);
  }
}
