package org.jorchestrate.bench.peers;

import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.jctools.queues.atomic.MpscUnboundedAtomicArrayQueue;
import org.jorchestrate.bench.Contender;
import org.jorchestrate.bench.Sink;

/**
 * Not an event system but a yardstick for the latency runs: the least a hand-off to a consumer
 * that sleeps when it has nothing to do can cost on this machine. One dedicated consumer thread
 * takes events from a lock-free queue and calls the listeners in turn; when the queue is empty it
 * parks, and an emitter that finds it parked unparks it. No pool, no isolation, no parameters, no
 * timestamps, no watch before parking: what is left is the wake-up itself, which every contender
 * whose idle consumer parks pays after each pause of the emitter.
 *
 * <p>Its p99 in a run says what that run's machine allows such a design: where it is above a
 * target, no event system that lets an idle worker sleep meets the target there, and only a
 * consumer that keeps a core busy can (the yielding Disruptor, {@code jorchestrate-spin}).
 */
public final class BareHandoffContender implements Contender {

  private final MpscUnboundedAtomicArrayQueue<BenchEvent> queue =
      new MpscUnboundedAtomicArrayQueue<>(1024);
  private final int listeners;
  private final Thread consumer;
  private volatile boolean parked;
  private volatile boolean running = true;

  /**
   * Starts the consumer thread.
   *
   * @param listeners how many listeners the consumer calls for each event, one after the other
   */
  public BareHandoffContender(int listeners) {
    this.listeners = listeners;
    this.consumer = new Thread(this::consume, "bare-handoff-consumer");
    consumer.setDaemon(true);
    consumer.start();
  }

  @Override
  public void emit(long sequence, Sink sink) {
    queue.offer(new BenchEvent(sequence, sink));
    // The queue may publish its producer index lazily (while it grows a chunk); the fence orders
    // that publication before the read of `parked`, as the consumer's volatile store of `parked`
    // comes before its look at the queue: one of the two sees the other.
    VarHandle.fullFence();
    if (parked) {
      LockSupport.unpark(consumer);
    }
  }

  private void consume() {
    while (running) {
      BenchEvent event = queue.poll();
      if (event != null) {
        for (int listener = 0; listener < listeners; listener++) {
          event.deliver(listener);
        }
        continue;
      }
      parked = true;
      if (queue.isEmpty() && running) {
        LockSupport.park(this);
      }
      parked = false;
    }
  }

  @Override
  public void close() {
    running = false;
    LockSupport.unpark(consumer);
    try {
      consumer.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
