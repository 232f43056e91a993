package org.jorchestrate.nats.internal;

import io.nats.client.Connection;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/*
 * Unsticks a connection that says CONNECTED but gets no answer from JetStream. Seen in
 * BrokerOutageTest (about one run in four) and BrokerCrashFaultTest: after nats-server 2.9.10 was
 * killed and restarted, the jnats 2.24.1 client reconnected, yet every JetStream request of the
 * connection (publish, consumer info) timed out for as long as the tests waited (30 s), while
 * core pings went through. A fresh reconnect ends it.
 *
 * A watcher thread polls the status (the user's connection gives us no listener); each time it is
 * CONNECTED again after an outage, verify() asks $JS.API.INFO with a 1 s timeout. Only a timeout
 * counts as a stall (an error answer, no responders or a permissions denial do not), and so do
 * the sender's and the receiver's timed-out requests. A stall forces one reconnect; one thread at
 * a time, and at most one every PAUSE (doubling up to a minute while stalls repeat).
 */
final class StallGuard {

  private static final long PAUSE_NANOS = TimeUnit.SECONDS.toNanos(3);
  private static final long MAX_PAUSE_NANOS = TimeUnit.SECONDS.toNanos(60);
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);

  private final Connection connection;
  private final String nodeId;
  private final AtomicBoolean forcing = new AtomicBoolean();
  private final AtomicLong lastForced = new AtomicLong(System.nanoTime() - MAX_PAUSE_NANOS);
  private volatile long pauseNanos = PAUSE_NANOS;
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

  /* Stops the watcher and waits (at most 2 s) for a reconnect it may be forcing. */
  void stop() throws InterruptedException {
    stopped = true;
    watcher.interrupt();
    watcher.join(2_000);
  }

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
    pauseNanos = PAUSE_NANOS;
  }

  /* Asks JetStream for the account info; forces a reconnect if the request times out. */
  void verify() throws InterruptedException {
    if (connection.getStatus() != Connection.Status.CONNECTED) {
      return;
    }
    try {
      connection
          .requestWithTimeout("$JS.API.INFO", new byte[0], PROBE_TIMEOUT)
          .get(PROBE_TIMEOUT.toMillis() + 500, TimeUnit.MILLISECONDS);
      answered();
    } catch (TimeoutException e) {
      timedOut();
    } catch (ExecutionException | RuntimeException e) { // CancellationException included
      if (isTimeout(e)) {
        timedOut();
      } // else an answer of some kind (no responders, denied): not a stall
    }
  }

  /* A JetStream request timed out while CONNECTED: forces one reconnect, if none is due yet. */
  void timedOut() throws InterruptedException {
    if (stopped || connection.getStatus() != Connection.Status.CONNECTED) {
      return;
    }
    long now = System.nanoTime();
    if (now - lastForced.get() < pauseNanos || !forcing.compareAndSet(false, true)) {
      return;
    }
    try {
      lastForced.set(now);
      pauseNanos = Math.min(pauseNanos * 2, MAX_PAUSE_NANOS);
      ErrorSink.LOG.warn(
          "NATS bridge {}: a JetStream request got no answer although the connection is"
              + " CONNECTED; forcing a reconnect",
          nodeId);
      connection.forceReconnect();
    } catch (IOException e) {
      ErrorSink.LOG.warn("NATS bridge {}: the forced reconnect failed: {}", nodeId, e.toString());
    } finally {
      forcing.set(false);
    }
  }

  static boolean isTimeout(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof TimeoutException
          || (t instanceof IOException && String.valueOf(t.getMessage()).contains("Timeout"))) {
        return true;
      }
    }
    return false;
  }
}
