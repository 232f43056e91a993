package org.jorchestrate.bench.peers;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.YieldingWaitStrategy;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import com.lmax.disruptor.util.DaemonThreadFactory;
import java.util.concurrent.TimeUnit;
import org.jorchestrate.bench.Contender;
import org.jorchestrate.bench.Sink;

/**
 * The LMAX Disruptor: one handler per listener, each on its own thread (its model), a multi-producer
 * ring of 65,536 preallocated slots. No isolation between handlers beyond the ring, no parameters by
 * name, no timestamps.
 */
public final class DisruptorContender implements Contender {

  private final Disruptor<BenchEvent> disruptor;
  private final RingBuffer<BenchEvent> ring;

  /**
   * Creates and starts the disruptor.
   *
   * @param listeners how many handlers
   * @param yielding {@code YieldingWaitStrategy} if true, else {@code BlockingWaitStrategy}
   */
  @SuppressWarnings("unchecked")
  public DisruptorContender(int listeners, boolean yielding) {
    disruptor =
        new Disruptor<>(
            () -> new BenchEvent(0, new Sink(1)),
            1 << 16,
            DaemonThreadFactory.INSTANCE,
            ProducerType.MULTI,
            yielding ? new YieldingWaitStrategy() : new BlockingWaitStrategy());
    EventHandler<BenchEvent>[] handlers = new EventHandler[listeners];
    for (int i = 0; i < listeners; i++) {
      int listener = i;
      handlers[i] = (event, sequence, endOfBatch) -> event.deliver(listener);
    }
    disruptor.handleEventsWith(handlers);
    ring = disruptor.start();
  }

  @Override
  public void emit(long sequence, Sink sink) {
    ring.publishEvent(
        (slot, ringSequence, seq, target) -> {
          slot.sequence = seq;
          slot.sink = target;
        },
        sequence,
        sink);
  }

  @Override
  public void close() {
    try {
      disruptor.shutdown(10, TimeUnit.SECONDS);
    } catch (com.lmax.disruptor.TimeoutException e) {
      disruptor.halt();
    }
  }
}
