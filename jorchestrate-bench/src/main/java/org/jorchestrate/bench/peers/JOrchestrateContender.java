package org.jorchestrate.bench.peers;

import java.time.Duration;
import org.jorchestrate.bench.Contender;
import org.jorchestrate.bench.Sink;
import org.jorchestrate.events.EventManager;

/**
 * JOrchestrate, as users get it: by default, with a pool sized to the cores, or with a long idle
 * spin for latency.
 */
public final class JOrchestrateContender implements Contender {

  /** The idle spin of {@link #longIdleSpin}. */
  public static final Duration LONG_IDLE_SPIN = Duration.ofMillis(10);

  private final EventManager events;

  private JOrchestrateContender(EventManager events, int listeners) {
    this.events = events;
    for (int i = 0; i < listeners; i++) {
      int listener = i;
      events.registerEvent(
          BenchEvents.TICK,
          e -> ((Sink) e.get("sink")).delivered(listener, (Long) e.get("sequence")));
    }
  }

  /**
   * JOrchestrate with its default settings ({@code new EventManager()}).
   *
   * @param listeners how many callbacks
   * @return the contender
   */
  public static JOrchestrateContender defaults(int listeners) {
    return new JOrchestrateContender(new EventManager(), listeners);
  }

  /**
   * JOrchestrate with its pool sized to the cores ({@code new EventManager(cores)}).
   *
   * @param listeners how many callbacks
   * @param cores the pool size
   * @return the contender
   */
  public static JOrchestrateContender sizedToCores(int listeners, int cores) {
    return new JOrchestrateContender(new EventManager(cores), listeners);
  }

  /**
   * JOrchestrate with a worker that caught up watching for up to {@link #LONG_IDLE_SPIN} before it
   * parks ({@code EventManager.builder().idleSpin(...)}).
   *
   * @param listeners how many callbacks
   * @return the contender
   */
  public static JOrchestrateContender longIdleSpin(int listeners) {
    return new JOrchestrateContender(
        EventManager.builder().idleSpin(LONG_IDLE_SPIN).build(), listeners);
  }

  @Override
  public void emit(long sequence, Sink sink) {
    events.emit(BenchEvents.TICK, "sequence", sequence, "sink", sink);
  }

  /**
   * Emits to an event without subscribers.
   *
   * @return what emit returned, for the benchmark to consume
   */
  public Object emitUnheard() {
    return events.emit(BenchEvents.UNHEARD, "sequence", 1L, "sink", this);
  }

  @Override
  public void close() {
    events.shutdown();
  }
}
