package org.jorchestrate.events;

import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An executor with one busy-spinning daemon thread: it starts a task within nanoseconds, which
 * makes the races between an emitter and a drain as tight as they get. Tests only.
 */
final class SpinningExecutor implements Executor, AutoCloseable {

  private final AtomicReference<Runnable> slot = new AtomicReference<>();
  private volatile boolean stopped;
  private final Thread worker =
      new Thread(
          () -> {
            while (!stopped) {
              Runnable task = slot.getAndSet(null);
              if (task != null) {
                task.run();
              } else {
                Thread.onSpinWait();
              }
            }
          },
          "spinning-executor");

  SpinningExecutor() {
    worker.setDaemon(true);
    worker.start();
  }

  @Override
  public void execute(Runnable task) {
    while (!slot.compareAndSet(null, task)) {
      Thread.onSpinWait();
    }
  }

  @Override
  public void close() {
    stopped = true;
  }
}
