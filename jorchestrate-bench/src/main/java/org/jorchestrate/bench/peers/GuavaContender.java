package org.jorchestrate.bench.peers;

import com.google.common.eventbus.AsyncEventBus;
import com.google.common.eventbus.Subscribe;
import java.util.concurrent.ExecutorService;
import org.jorchestrate.bench.Contender;
import org.jorchestrate.bench.Sink;

/** Guava's {@code AsyncEventBus} on the shared pool, with plain {@code @Subscribe} listeners. */
public final class GuavaContender implements Contender {

  private final AsyncEventBus bus;
  private final ExecutorService executor;

  /** A Guava listener; public, as Guava requires. */
  public static final class Listener {
    private final int index;

    Listener(int index) {
      this.index = index;
    }

    /**
     * Receives the event.
     *
     * @param event the event
     */
    @Subscribe
    public void on(BenchEvent event) {
      event.deliver(index);
    }
  }

  /**
   * Creates the bus with its listeners.
   *
   * @param listeners how many listeners
   * @param executor the thread pool
   */
  public GuavaContender(int listeners, ExecutorService executor) {
    this.executor = executor;
    this.bus = new AsyncEventBus("bench", executor);
    for (int i = 0; i < listeners; i++) {
      bus.register(new Listener(i));
    }
  }

  @Override
  public void emit(long sequence, Sink sink) {
    bus.post(new BenchEvent(sequence, sink));
  }

  @Override
  public void close() {
    Pools.shutdown(executor);
  }
}
