package org.jorchestrate.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Emissions per second, where an emission counts only once all its callbacks ran: each invocation
 * emits a batch, then waits until every listener reported every emission of the batch. Deliveries
 * per second are this score times the number of listeners.
 *
 * <p>Run alone with {@code java -jar jorchestrate-bench/target/benchmarks.jar ThroughputBenchmark};
 * the defaults below are the full mode, {@link Suite} runs a short one.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 2, jvmArgsAppend = {Suite.HEAP_MIN, Suite.HEAP_MAX, Suite.PRE_TOUCH})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ThroughputBenchmark {

  /** Emissions per invocation. */
  public static final int BATCH = 10_000;

  /** The system under test. */
  @Param({
    "jorchestrate",
    "jorchestrate-cores",
    "naive-port",
    "guava-async",
    "greenrobot-async",
    "disruptor-blocking",
    "disruptor-yielding",
    "submission-publisher"
  })
  public String contender;

  /** Listeners on the one event. */
  @Param({"1", "10"})
  public int listeners;

  private Contender system;

  /** One emitting thread's state: its sink and its sequence. */
  @State(Scope.Thread)
  public static class Emitter {
    Sink sink;
    long sequence;
    long expected;

    /**
     * Makes the emitter's sink for the trial's number of listeners.
     *
     * @param benchmark the trial, for its listener count
     */
    @Setup(Level.Trial)
    public void start(ThroughputBenchmark benchmark) {
      sink = new Sink(benchmark.listeners);
    }
  }

  /** Starts the contender. */
  @Setup(Level.Trial)
  public void start() {
    system = Contenders.create(contender, listeners);
  }

  /** Stops it. */
  @TearDown(Level.Trial)
  public void stop() {
    system.close();
  }

  /**
   * One thread emitting.
   *
   * @param emitter this thread's state
   */
  @Benchmark
  @Threads(1)
  @OperationsPerInvocation(BATCH)
  public void oneEmitter(Emitter emitter) {
    emitBatch(emitter);
  }

  /**
   * Two threads emitting.
   *
   * @param emitter this thread's state
   */
  @Benchmark
  @Threads(2)
  @OperationsPerInvocation(BATCH)
  public void twoEmitters(Emitter emitter) {
    emitBatch(emitter);
  }

  private void emitBatch(Emitter emitter) {
    for (int i = 0; i < BATCH; i++) {
      system.emit(emitter.sequence++, emitter.sink);
    }
    emitter.expected += (long) BATCH * listeners;
    emitter.sink.awaitDelivered(emitter.expected);
  }
}
