package org.jorchestrate.stress;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * An executor that only records what it is given, so that a test decides which thread runs each
 * drain, and when.
 */
final class CapturingExecutor implements Executor {

  private final List<Runnable> tasks = new ArrayList<>();

  @Override
  public synchronized void execute(Runnable task) {
    tasks.add(task);
  }

  synchronized Runnable task(int index) {
    return tasks.get(index);
  }

  synchronized int size() {
    return tasks.size();
  }
}
