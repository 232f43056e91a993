package org.jorchestrate.bench.peers;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Flow;
import java.util.concurrent.SubmissionPublisher;
import org.jorchestrate.bench.Contender;
import org.jorchestrate.bench.Sink;

/** The JDK's {@code SubmissionPublisher} on the shared pool, one subscriber per listener. */
public final class SubmissionPublisherContender implements Contender {

  private final SubmissionPublisher<BenchEvent> publisher;
  private final ExecutorService executor;

  /**
   * Creates the publisher with its subscribers.
   *
   * @param listeners how many subscribers
   * @param executor the thread pool
   */
  public SubmissionPublisherContender(int listeners, ExecutorService executor) {
    this.executor = executor;
    this.publisher = new SubmissionPublisher<>(executor, 1 << 14);
    for (int i = 0; i < listeners; i++) {
      int listener = i;
      publisher.subscribe(
          new Flow.Subscriber<BenchEvent>() {
            @Override
            public void onSubscribe(Flow.Subscription subscription) {
              subscription.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(BenchEvent event) {
              event.deliver(listener);
            }

            @Override
            public void onError(Throwable throwable) {
              // the publisher dropped this subscriber: its deliveries stop, and the benchmark's
              // sink reports the shortfall; say why here
              System.err.println("submission-publisher subscriber failed: " + throwable);
            }

            @Override
            public void onComplete() {}
          });
    }
  }

  @Override
  public void emit(long sequence, Sink sink) {
    publisher.submit(new BenchEvent(sequence, sink));
  }

  @Override
  public void close() {
    publisher.close();
    Pools.shutdown(executor);
  }
}
