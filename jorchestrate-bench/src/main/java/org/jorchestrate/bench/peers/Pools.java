package org.jorchestrate.bench.peers;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/** Closing the shared pool of a pooled contender. */
final class Pools {

  private Pools() {}

  static void shutdown(ExecutorService executor) {
    executor.shutdown();
    try {
      if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
