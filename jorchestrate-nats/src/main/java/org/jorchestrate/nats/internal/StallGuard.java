package org.jorchestrate.nats.internal;

import io.nats.client.Connection;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/*
 * Unsticks a connection that says CONNECTED but gets no answer from JetStream. Seen in
 * BrokerOutageTest about one run in four: after nats-server 2.9.10 was killed and restarted, the
 * client reconnected, yet every JetStream request (publish, consumer info) of both nodes timed
 * out for as long as the test waited (30 s), while core pings went through; also in
 * BrokerCrashFaultTest. A fresh reconnect ends it. The sender and the receiver report each
 * timed-out request (the sender's probe waits at most publishTimeout); after THRESHOLD in a row
 * while the connection is CONNECTED, the guard forces one reconnect (at most once per PAUSE).
 */
final class StallGuard {

  static final int THRESHOLD = 1;
  private static final long PAUSE_NANOS = TimeUnit.SECONDS.toNanos(3);
  private static final java.time.Duration PROBE_TIMEOUT = java.time.Duration.ofSeconds(1);

  private final Connection connection;
  private final String nodeId;
  private final AtomicInteger consecutive = new AtomicInteger();
  private final AtomicLong lastForced = new AtomicLong(System.nanoTime() - PAUSE_NANOS);

  private final Thread watcher;
  private volatile boolean stopped;

  StallGuard(Connection connection, String nodeId) {
    this.connection = connection;
    this.nodeId = nodeId;
    this.watcher = new Thread(this::watch, "jorchestrate-nats-" + nodeId + "-watch");
    this.watcher.setDaemon(true);
  }

  void start() {
    watcher.start();
  }

  void stop() {
    stopped = true;
    watcher.interrupt();
  }

  /*
   * Watches the connection's status (every 50 ms): each time it is CONNECTED again after an
   * outage, checks at once that JetStream answers, rather than waiting for the sender's or the
   * receiver's next request to time out; checks again after a forced reconnect.
   */
  private void watch() {
    boolean wasConnected = true;
    try {
      while (!stopped) {
        boolean connected = connection.getStatus() == Connection.Status.CONNECTED;
        if (connected && !wasConnected) {
          verify();
          connected = connection.getStatus() == Connection.Status.CONNECTED;
        }
        wasConnected = connected;
        Thread.sleep(50); // polling a status the user's connection does not let us listen to
      }
    } catch (InterruptedException e) {
      // stopped
    }
  }

  /* A JetStream request got an answer: the connection works. */
  void answered() {
    consecutive.set(0);
  }

  /* A JetStream request timed out; may force a reconnect. Call from the bridge's own threads. */
  void timedOut() throws InterruptedException {
    if (connection.getStatus() != Connection.Status.CONNECTED
        || consecutive.incrementAndGet() < THRESHOLD) {
      return;
    }
    long now = System.nanoTime();
    long last = lastForced.get();
    if (now - last < PAUSE_NANOS || !lastForced.compareAndSet(last, now)) {
      return;
    }
    consecutive.set(0);
    ErrorSink.LOG.warn(
        "NATS bridge {}: a JetStream request got no answer although the connection is CONNECTED;"
            + " forcing a reconnect",
        nodeId);
    try {
      connection.forceReconnect();
    } catch (IOException e) {
      ErrorSink.LOG.warn("NATS bridge {}: the forced reconnect failed: {}", nodeId, e.toString());
    }
  }

  /*
   * After a failure, before retrying: asks JetStream for the account info ($JS.API.INFO) with a
   * short timeout, and forces a reconnect if no answer comes although the connection is CONNECTED.
   */
  void verify() throws InterruptedException {
    if (connection.getStatus() != Connection.Status.CONNECTED) {
      return;
    }
    try {
      io.nats.client.Message answer =
          connection.request("$JS.API.INFO", new byte[0], PROBE_TIMEOUT);
      if (answer != null) {
        answered();
        return;
      }
    } catch (RuntimeException e) {
      return; // e.g. the connection closed meanwhile: nothing to unstick
    }
    consecutive.set(THRESHOLD - 1);
    lastForced.set(System.nanoTime() - PAUSE_NANOS); // a failed probe is evidence enough
    timedOut();
  }

  static boolean isTimeout(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof java.util.concurrent.TimeoutException
          || (t instanceof IOException && String.valueOf(t.getMessage()).contains("Timeout"))) {
        return true;
      }
    }
    return false;
  }
}
