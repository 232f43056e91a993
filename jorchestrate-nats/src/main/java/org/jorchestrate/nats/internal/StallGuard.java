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
 * out for as long as the test waited (30 s), while core pings went through. A fresh reconnect
 * ends it. The sender and the receiver report each timed-out request; after THRESHOLD in a row
 * while the connection is CONNECTED, the guard forces one reconnect (at most once per PAUSE).
 */
final class StallGuard {

  static final int THRESHOLD = 2;
  private static final long PAUSE_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final Connection connection;
  private final String nodeId;
  private final AtomicInteger consecutive = new AtomicInteger();
  private final AtomicLong lastForced = new AtomicLong(System.nanoTime() - PAUSE_NANOS);

  StallGuard(Connection connection, String nodeId) {
    this.connection = connection;
    this.nodeId = nodeId;
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
        "NATS bridge {}: {} JetStream requests in a row got no answer although the connection is"
            + " CONNECTED; forcing a reconnect",
        nodeId,
        THRESHOLD);
    try {
      connection.forceReconnect();
    } catch (IOException e) {
      ErrorSink.LOG.warn("NATS bridge {}: the forced reconnect failed: {}", nodeId, e.toString());
    }
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
