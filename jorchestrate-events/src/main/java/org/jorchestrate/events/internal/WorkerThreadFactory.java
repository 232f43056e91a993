package org.jorchestrate.events.internal;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * Threads of a manager's own pool: named jorchestrate-<manager name>-N, daemon (a stuck callback
 * must never keep the JVM from exiting), and with an uncaught-exception handler that logs, although
 * callbacks' failures never reach it (the mailbox catches them).
 */
final class WorkerThreadFactory implements ThreadFactory {

  private static final Logger LOG = LoggerFactory.getLogger(WorkerThreadFactory.class);
  private static final AtomicInteger THREAD_NUMBER = new AtomicInteger();

  private final String prefix;
  private final ThreadGroup group;

  WorkerThreadFactory(String managerName) {
    this.prefix = "jorchestrate-" + managerName + "-";
    this.group = Thread.currentThread().getThreadGroup();
  }

  @Override
  public Thread newThread(Runnable task) {
    Thread thread = new Thread(group, task, prefix + THREAD_NUMBER.incrementAndGet());
    thread.setDaemon(true);
    thread.setUncaughtExceptionHandler(
        (t, e) -> LOG.error("Worker thread {} ended by an uncaught throwable", t.getName(), e));
    return thread;
  }
}
