package org.jorchestrate.bench;

import java.util.concurrent.TimeUnit;
import org.jorchestrate.bench.peers.BenchEvents;
import org.jorchestrate.events.Emission;
import org.jorchestrate.events.EventManager;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of {@code emit} itself: to an event nobody subscribed to (with a baseline that returns
 * a constant), and, with {@code -prof gc}, the bytes one emission allocates with one listener when
 * its {@link Emission} is ignored. Parameter values are preboxed so that only JOrchestrate's own
 * allocation is counted.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 2, jvmArgsAppend = {Suite.HEAP_MIN, Suite.HEAP_MAX, Suite.PRE_TOUCH})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class EmitCostBenchmark {

  private static final Long SEQUENCE = 123_456L;
  private static final int BATCH = 1_000;

  private EventManager events;
  private Sink sink;

  /** Starts a manager with one listener on TICK and none on UNHEARD. */
  @Setup(Level.Trial)
  public void start() {
    events = new EventManager();
    sink = new Sink(1);
    events.registerEvent(
        BenchEvents.TICK, e -> ((Sink) e.get("sink")).delivered(0, (Long) e.get("sequence")));
  }

  /** Stops it. */
  @TearDown(Level.Trial)
  public void stop() {
    events.shutdown();
  }

  /**
   * What a call returning an object costs, for comparison.
   *
   * @return a constant
   */
  @Benchmark
  public Object baseline() {
    return sink;
  }

  /**
   * Emitting to an event without subscribers.
   *
   * @return the emission
   */
  @Benchmark
  public Emission emitNoSubscriber() {
    return events.emit(BenchEvents.UNHEARD, "sequence", SEQUENCE, "sink", sink);
  }

  /**
   * Emitting to one listener, ignoring the emission; per emission, including its delivery.
   *
   * @param expected a per-thread running total
   */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void emitOneListener(Expected expected) {
    for (int i = 0; i < BATCH; i++) {
      events.emit(BenchEvents.TICK, "sequence", SEQUENCE, "sink", sink);
    }
    expected.total += BATCH;
    sink.awaitDelivered(expected.total);
  }

  /** The deliveries an emitting thread waits for. */
  @State(Scope.Thread)
  public static class Expected {
    long total;
  }
}
