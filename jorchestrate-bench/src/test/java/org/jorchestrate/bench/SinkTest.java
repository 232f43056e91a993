package org.jorchestrate.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The sink counts per listener and waits until every listener reported its share. */
@Timeout(60)
class SinkTest {

  @Test
  void awaitDelivered_waitsForEveryListener_notForTheTotalAlone() throws Exception {
    Sink sink = new Sink(2);
    ExecutorService waiter = Executors.newSingleThreadExecutor();
    try {
      CompletableFuture<Void> waited =
          CompletableFuture.runAsync(() -> sink.awaitDelivered(4), waiter);
      for (int i = 0; i < 4; i++) {
        sink.delivered(0, i); // the total reaches 4, but listener 1 reported nothing yet
      }

      assertThat(sink.count()).isEqualTo(4);
      assertThat(waited).isNotDone();

      sink.delivered(1, 0);
      sink.delivered(1, 1);

      waited.get(10, TimeUnit.SECONDS); // throws if the waiter failed or did not return
      assertThat(sink.count()).isEqualTo(6);
    } finally {
      waiter.shutdownNow();
    }
  }

  @Test
  void concurrentReportsOfOneListener_areAllCounted() throws Exception {
    Sink sink = new Sink(1);
    int threads = 4;
    int each = 10_000;
    ExecutorService reporters = Executors.newFixedThreadPool(threads);
    try {
      for (int t = 0; t < threads; t++) {
        reporters.execute(
            () -> {
              for (int i = 0; i < each; i++) {
                sink.delivered(0, i);
              }
            });
      }
      sink.awaitDelivered((long) threads * each);

      assertThat(sink.count()).isEqualTo((long) threads * each);
    } finally {
      reporters.shutdownNow();
    }
  }

  @Test
  void badArguments_areRefusedWithTheReason() {
    assertThatThrownBy(() -> new Sink(0)).hasMessageContaining("at least one listener");
    assertThatThrownBy(() -> new Sink(3).awaitDelivered(4))
        .hasMessageContaining("cannot be split evenly among 3 listeners");
  }
}
