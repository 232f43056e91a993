package org.jorchestrate.bench;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.jorchestrate.bench.peers.BareHandoffContender;
import org.jorchestrate.bench.peers.DisruptorContender;
import org.jorchestrate.bench.peers.GreenrobotContender;
import org.jorchestrate.bench.peers.GuavaContender;
import org.jorchestrate.bench.peers.JOrchestrateContender;
import org.jorchestrate.bench.peers.NaivePortContender;
import org.jorchestrate.bench.peers.SubmissionPublisherContender;

/** The contenders by name, as JMH parameters and report rows use them. */
public final class Contenders {

  /** Every contender's name, in report order. */
  public static final List<String> NAMES =
      List.of(
          "jorchestrate",
          "jorchestrate-cores",
          "naive-port",
          "guava-async",
          "greenrobot-async",
          "disruptor-blocking",
          "disruptor-yielding",
          "submission-publisher");

  /**
   * The contenders of the latency runs: every contender, plus JOrchestrate with a long idle spin
   * ({@code jorchestrate-spin}), the setting for latency that the Disruptor's two wait strategies
   * stand for on its side, and {@code bare-handoff} ({@link BareHandoffContender}), the yardstick
   * of what a consumer that parks when idle can reach on the machine. Both are left out of the
   * throughput runs, where no worker ever idles and neither the spin nor the wake-up matters.
   */
  public static final List<String> LATENCY_NAMES =
      Stream.concat(NAMES.stream(), Stream.of("jorchestrate-spin", "bare-handoff")) // last: the
          .toList(); // peers keep their chart colours

  /** The size of the shared executor budget: the machine's cores. */
  public static final int CORES = Runtime.getRuntime().availableProcessors();

  private Contenders() {}

  /**
   * Creates a contender.
   *
   * @param name one of {@link #LATENCY_NAMES}
   * @param listeners how many listeners on the one event
   * @return the contender, ready to emit
   */
  public static Contender create(String name, int listeners) {
    BiFunction<Integer, ExecutorService, Contender> withPool =
        switch (name) {
          case "naive-port" -> NaivePortContender::new;
          case "guava-async" -> GuavaContender::new;
          case "greenrobot-async" -> GreenrobotContender::new;
          case "submission-publisher" -> SubmissionPublisherContender::new;
          default -> null;
        };
    if (withPool != null) {
      return withPool.apply(listeners, pool(name));
    }
    return switch (name) {
      case "jorchestrate" -> JOrchestrateContender.defaults(listeners);
      case "jorchestrate-cores" -> JOrchestrateContender.sizedToCores(listeners, CORES);
      case "jorchestrate-spin" -> JOrchestrateContender.longIdleSpin(listeners);
      case "disruptor-blocking" -> new DisruptorContender(listeners, false);
      case "disruptor-yielding" -> new DisruptorContender(listeners, true);
      case "bare-handoff" -> new BareHandoffContender(listeners);
      default -> throw new IllegalArgumentException(
          "unknown contender '" + name + "'; known: " + LATENCY_NAMES);
    };
  }

  /** A fixed pool of daemon threads, one per core: the executor budget every pooled peer gets. */
  static ExecutorService pool(String name) {
    AtomicInteger number = new AtomicInteger();
    ThreadFactory factory =
        task -> {
          Thread thread = new Thread(task, name + "-" + number.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        };
    return Executors.newFixedThreadPool(CORES, factory);
  }
}
