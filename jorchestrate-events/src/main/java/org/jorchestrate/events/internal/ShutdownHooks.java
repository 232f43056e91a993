package org.jorchestrate.events.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * The specification's atexit: one JVM shutdown hook for the whole process, shutting down the
 * managers still running when the JVM exits.
 *
 * One hook, not one per manager: an application that creates and closes thousands of managers must
 * leak neither hooks nor the managers they would reference. Managers are held weakly, and an
 * explicit shutdown removes its manager. A manager with deliveries still queued stays strongly
 * reachable from the worker threads running them, so holding it weakly loses nothing.
 *
 * The hook is bounded: it starts every manager's shutdown at once, then waits for each within the
 * longest shutdown timeout among them, counted from the start, and gives up on (and logs) those
 * that did not finish. Its thread is named jorchestrate-shutdown-hook.
 */
final class ShutdownHooks {

  private static final Logger LOG = LoggerFactory.getLogger(ShutdownHooks.class);
  private static final Map<Engine, Boolean> LIVE = Collections.synchronizedMap(new WeakHashMap<>());
  private static boolean installed; // guarded by LIVE
  private static volatile boolean running;

  private ShutdownHooks() {}

  static void register(Engine engine) {
    synchronized (LIVE) {
      if (running) {
        return; // the JVM is exiting; the manager will be shut down by its own user or not at all
      }
      if (!installed) {
        try {
          Runtime.getRuntime()
              .addShutdownHook(new Thread(ShutdownHooks::runHook, "jorchestrate-shutdown-hook"));
          installed = true;
        } catch (IllegalStateException exiting) {
          LOG.debug("The JVM is already shutting down; {} is not covered by the hook", engine);
          return;
        }
      }
      LIVE.put(engine, Boolean.TRUE);
    }
  }

  static void unregister(Engine engine) {
    LIVE.remove(engine);
  }

  static int registeredCount() {
    synchronized (LIVE) {
      return LIVE.size();
    }
  }

  /* Runs the hook's work; package-private so that tests can run it without exiting the JVM. */
  static void runHook() {
    List<Engine> engines;
    synchronized (LIVE) {
      running = true;
      engines = new ArrayList<>(LIVE.keySet());
      LIVE.clear();
    }
    try {
      shutdownAll(engines);
    } finally {
      synchronized (LIVE) {
        running = false;
      }
    }
  }

  static void shutdownAll(List<Engine> engines) {
    if (engines.isEmpty()) {
      return;
    }
    LOG.debug("JVM exit: shutting down {} event manager(s)", engines.size());
    Duration longest = Duration.ZERO;
    for (Engine engine : engines) {
      engine.shutdown(false);
      if (engine.shutdownTimeout().compareTo(longest) > 0) {
        longest = engine.shutdownTimeout();
      }
    }
    long deadline = System.nanoTime() + Durations.saturatedNanos(longest);
    for (Engine engine : engines) {
      engine.awaitOrAbandon(deadline);
    }
  }
}
