package org.jorchestrate.bench.peers;

import java.util.concurrent.ExecutorService;
import org.greenrobot.eventbus.EventBus;
import org.greenrobot.eventbus.Subscribe;
import org.greenrobot.eventbus.ThreadMode;
import org.jorchestrate.bench.Contender;
import org.jorchestrate.bench.Sink;

/** greenrobot EventBus with {@code ThreadMode.ASYNC} listeners, on the shared pool. */
public final class GreenrobotContender implements Contender {

  private final EventBus bus;
  private final ExecutorService executor;

  /** A greenrobot listener; public, as greenrobot requires. */
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
    @Subscribe(threadMode = ThreadMode.ASYNC)
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
  public GreenrobotContender(int listeners, ExecutorService executor) {
    this.executor = executor;
    this.bus =
        EventBus.builder()
            .executorService(executor)
            .logNoSubscriberMessages(false)
            .sendNoSubscriberEvent(false)
            .logSubscriberExceptions(false)
            .build();
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
