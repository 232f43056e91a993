package org.jorchestrate.events.internal;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;
import org.jorchestrate.events.EventManager;

/**
 * A program for {@link ShutdownHooksTest}: emits to slow or stuck callbacks and returns from main
 * without shutting the manager down, so that only the JVM shutdown hook can deliver the events.
 */
public final class HookProbe {

  static final int EVENTS = 20;

  enum Probe {
    PING
  }

  private HookProbe() {}

  /**
   * Runs the probe.
   *
   * @param args {@code deliver} or {@code stuck}
   */
  public static void main(String[] args) {
    EventManager events =
        EventManager.builder().workers(1).shutdownTimeout(Duration.ofMillis(500)).build();
    if (args[0].equals("deliver")) {
      events.registerEvent(
          Probe.PING,
          e -> {
            LockSupport.parkNanos(Duration.ofMillis(5).toNanos()); // slower than main's exit
            System.out.println("delivered " + e.get("i"));
          });
      for (int i = 0; i < EVENTS; i++) {
        events.emit(Probe.PING, "i", i);
      }
    } else {
      CountDownLatch never = new CountDownLatch(1);
      events.registerEvent(
          Probe.PING,
          e -> {
            while (never.getCount() > 0) {
              try {
                never.await();
              } catch (InterruptedException ignored) {
                // a callback that refuses to stop: the JVM must exit anyway
              }
            }
          });
      events.emit(Probe.PING);
    }
    System.out.println("main returned");
  }
}
