package org.jorchestrate.bench;

import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Latency from emit to callback at a fixed emission rate, for one contender with one listener,
 * measured with HdrHistogram: each emission carries the time {@code emit} was called, and the
 * callback records now minus that. The emitter keeps to its schedule (bursts due every 100 µs, not
 * after the previous one returned); when a contender makes {@code emit} itself slow, the later
 * emissions run late, which this figure does not count.
 *
 * <p>Run in its own JVM per contender and rate (the {@link Suite} does): {@code java -cp
 * benchmarks.jar org.jorchestrate.bench.LatencyHarness <contender> <rate/s> <warmup s> <measure
 * s>}. Prints one line: {@code RESULT <contender> <rate> <p50> <p99> <p99.9> <max> <count> <cores>},
 * latencies in microseconds; {@code cores} is the CPU time the whole process used while measuring
 * (every thread: the contender's, the emitter's, the JVM's), divided by the elapsed time, so what
 * a contender's way of waiting costs shows beside what it buys: a worker that busy-waits between
 * events keeps about one core busy whatever the rate.
 */
public final class LatencyHarness {

  private LatencyHarness() {}

  /** A sink that records each delivery's latency. */
  static final class LatencySink extends Sink {
    final Recorder recorder = new Recorder(TimeUnit.SECONDS.toNanos(30), 3);

    LatencySink() {
      super(1);
    }

    @Override
    public void delivered(int listener, long sequence) {
      recorder.recordValue(Math.max(0, System.nanoTime() - sequence));
      super.delivered(listener, sequence);
    }
  }

  /**
   * Runs one measurement in this JVM and prints its {@code RESULT} line.
   *
   * @param args contender, rate per second, warm-up seconds, measurement seconds
   */
  public static void main(String[] args) {
    String contender = args[0];
    long rate = Long.parseLong(args[1]);
    Suite.Latency result =
        measure(contender, rate, Long.parseLong(args[2]), Long.parseLong(args[3]));
    System.out.printf(
        Locale.ROOT,
        "RESULT %s %d %.2f %.2f %.2f %.2f %d %.2f%n",
        contender,
        rate,
        result.p50(),
        result.p99(),
        result.p999(),
        result.max(),
        result.count(),
        result.cores());
    System.exit(0);
  }

  /**
   * Warms a contender up at the rate, then measures it.
   *
   * @param contender one of {@link Contenders#LATENCY_NAMES}
   * @param rate emissions per second
   * @param warmupSeconds how long to emit before measuring
   * @param measureSeconds how long to measure
   * @return latencies in microseconds, and the cores the process kept busy while measuring
   */
  static Suite.Latency measure(
      String contender, long rate, long warmupSeconds, long measureSeconds) {
    LatencySink sink = new LatencySink();
    try (Contender system = Contenders.create(contender, 1)) {
      long emitted = emitAtRate(system, sink, rate, warmupSeconds, 0);
      sink.awaitDelivered(emitted);
      sink.recorder.getIntervalHistogram(); // discard the warm-up
      long cpuBefore = ProcessCpu.nanos();
      long start = System.nanoTime();
      emitted = emitAtRate(system, sink, rate, measureSeconds, emitted);
      sink.awaitDelivered(emitted);
      double cores = (ProcessCpu.nanos() - cpuBefore) / (double) (System.nanoTime() - start);
      Histogram histogram = sink.recorder.getIntervalHistogram();
      return new Suite.Latency(
          contender,
          rate,
          histogram.getValueAtPercentile(50) / 1000.0,
          histogram.getValueAtPercentile(99) / 1000.0,
          histogram.getValueAtPercentile(99.9) / 1000.0,
          histogram.getMaxValue() / 1000.0,
          histogram.getTotalCount(),
          cores);
    }
  }

  /*
   * Emits at the rate for the duration; returns the total emitted so far. Emissions go out in
   * bursts every 100 µs (10 at 100 k/s), the emitter parking in between: a load generator that
   * busy-waited for each 10 µs slot would keep a core of a small machine to itself, and the
   * scheduler would then preempt the contender's consumer instead, which is not what is measured.
   */
  private static long emitAtRate(
      Contender system, Sink sink, long rate, long seconds, long emittedBefore) {
    long tick = TimeUnit.MICROSECONDS.toNanos(100);
    long perTick = Math.max(1, rate / 10_000);
    long ticks = seconds * 10_000;
    long start = System.nanoTime();
    for (long t = 0; t < ticks; t++) {
      long due = start + t * tick;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      for (long i = 0; i < perTick; i++) {
        system.emit(System.nanoTime(), sink);
      }
    }
    return emittedBefore + ticks * perTick;
  }
}
