package org.jorchestrate.events.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executor;
import org.jorchestrate.events.ErrorHandler;
import org.jorchestrate.events.OverflowPolicy;
import org.jspecify.annotations.Nullable;

/**
 * The validated settings of one manager, as the public builder hands them over.
 *
 * @param name used in log messages and thread names
 * @param executor a supplied executor, or null for the manager's own pool
 * @param workers the size of the own pool
 * @param synchronous whether callbacks run on the emitting thread
 * @param queueCapacity per-subscription soft bound
 * @param overflow what happens at the bound
 * @param errorHandler receives callback failures after they were logged, or null
 * @param clock stamps events
 * @param shutdownHook whether the JVM hook covers this manager
 * @param shutdownTimeout how long a shutdown waits before it gives up
 * @param idleSpin the longest a caught-up drain busy-waits for its next event; zero for never
 */
public record EngineConfig(
    String name,
    @Nullable Executor executor,
    int workers,
    boolean synchronous,
    int queueCapacity,
    OverflowPolicy overflow,
    @Nullable ErrorHandler errorHandler,
    Clock clock,
    boolean shutdownHook,
    Duration shutdownTimeout,
    Duration idleSpin) {

  /** The largest queue capacity accepted; a DROP_OLDEST queue is allocated at this size. */
  public static final int MAX_QUEUE_CAPACITY = 1 << 26;

  /** How long a caught-up drain busy-waits for its next event by default. */
  public static final Duration DEFAULT_IDLE_SPIN = Duration.ofNanos(50_000);

  /** The longest idle spin accepted. */
  public static final Duration MAX_IDLE_SPIN = Duration.ofSeconds(1);

  /** How long a shutdown waits by default. */
  public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);

  /**
   * Python's {@code ThreadPoolExecutor} default, {@code min(32, cpu_count + 4)}: enough threads that
   * a few blocking callbacks do not starve the others.
   *
   * @return the default worker count
   */
  public static int defaultWorkers() {
    return Math.min(32, Runtime.getRuntime().availableProcessors() + 4);
  }
}
