package org.jorchestrate.nats.fault;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jorchestrate.events.EventManager;
import org.jorchestrate.nats.BridgeStatistics;
import org.jorchestrate.nats.NatsEventBridge;

/**
 * One node of the cross-process fault tests, run in its own JVM by {@link
 * BrokerCrashFaultTest}: emits {@code count} events numbered 0.. at {@code rate} per second,
 * and appends every remote event its callback receives to {@code received} as a line {@code
 * "<origin> <i>"}, written straight to the file (no buffer) so that a SIGKILL loses none of them.
 * It reports on stdout: {@code SENT n} as it emits, {@code RECV n} (distinct events received, the
 * file's earlier lines included, so that a restarted node continues) as it receives, then {@code
 * STATS ...} and {@code DONE} once it has {@code expect} distinct remote events (or after {@code
 * deadline} seconds).
 *
 * <p>Arguments: url stream nodeId count rate expect receivedFile deadlineSeconds
 */
public final class FaultNode {

  private FaultNode() {}

  public static void main(String[] args) throws Exception {
    String url = args[0];
    String stream = args[1];
    String nodeId = args[2];
    int count = Integer.parseInt(args[3]);
    int rate = Integer.parseInt(args[4]);
    long expect = Long.parseLong(args[5]);
    Path receivedFile = Path.of(args[6]);
    long deadlineSeconds = Long.parseLong(args[7]);
    PrintStream out = System.out;

    Options options =
        new Options.Builder()
            .server(url)
            .maxReconnects(-1)
            .reconnectWait(Duration.ofMillis(100))
            .connectionTimeout(Duration.ofSeconds(5))
            .build();
    Connection connection = connectPatiently(options);
    AtomicLong received = new AtomicLong();
    CountDownLatch allReceived = new CountDownLatch(1);
    // A restarted node continues its file: what its earlier run received counts as received.
    Set<String> distinct = ConcurrentHashMap.newKeySet();
    if (Files.exists(receivedFile)) {
      distinct.addAll(Files.readAllLines(receivedFile));
      distinct.remove("");
    }
    try (FileChannel file =
            FileChannel.open(
                receivedFile,
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
        EventManager events = EventManager.builder().name(nodeId).workers(2).build()) {
      events.registerEvent(
          FaultEvent.DATA,
          event -> {
            String origin = NatsEventBridge.originOf(event);
            if (origin == null) {
              return; // our own emission
            }
            String key = origin + " " + event.get("i");
            try {
              file.write(ByteBuffer.wrap((key + "\n").getBytes(StandardCharsets.US_ASCII)));
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
            received.incrementAndGet();
            distinct.add(key);
            long n = distinct.size();
            if (n % 500 == 0) {
              out.println("RECV " + n);
            }
            if (n >= expect) {
              allReceived.countDown();
            }
          });
      NatsEventBridge bridge =
          NatsEventBridge.builder()
              .eventManager(events)
              .connection(connection)
              .stream(stream)
              .subjectPrefix("fault")
              .nodeId(nodeId)
              .events(FaultEvent.class)
              .outboxCapacity(1 << 20)
              .publishTimeout(Duration.ofSeconds(2))
              .build();
      out.println("STARTED");
      if (count > 0) {
        // Wait for the test's "GO" on stdin: every node's consumer exists before anyone emits
        // (a consumer delivers only what is published after its creation).
        String go = new java.io.BufferedReader(
                new java.io.InputStreamReader(System.in, StandardCharsets.US_ASCII))
            .readLine();
        if (!"GO".equals(go)) {
          throw new IllegalStateException("expected GO on stdin, got " + go);
        }
      }
      long start = System.nanoTime();
      for (int i = 0; i < count; i++) {
        long due = start + (long) i * TimeUnit.SECONDS.toNanos(1) / rate;
        long wait = due - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait); // pacing the load, not synchronising
        }
        events.emit(FaultEvent.DATA, "i", i);
        if ((i + 1) % 500 == 0) {
          out.println("SENT " + (i + 1));
        }
      }
      out.println("SENT " + count);
      if (distinct.size() >= expect) {
        allReceived.countDown();
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(deadlineSeconds);
      boolean complete = false;
      while (!complete && System.nanoTime() < deadline) {
        complete = allReceived.await(5, TimeUnit.SECONDS);
        if (!complete) {
          out.println("WAITING distinct=" + distinct.size() + " " + bridge.statistics());
        }
      }
      bridge.close();
      BridgeStatistics stats = bridge.statistics();
      out.println(
          "STATS published="
              + stats.published()
              + " pending="
              + stats.pending()
              + " overflowed="
              + stats.overflowed()
              + " publishFailures="
              + stats.publishFailures()
              + " received="
              + stats.received()
              + " delivered="
              + stats.delivered()
              + " duplicatesDropped="
              + stats.duplicatesDropped()
              + " redelivered="
              + stats.redelivered()
              + " gapsSkipped="
              + stats.gapsSkipped()
              + " lostDeliveryRecoveries="
              + stats.lostDeliveryRecoveries()
              + " callbacks="
              + received.get());
      out.println(complete ? "DONE" : "INCOMPLETE");
    } finally {
      connection.close();
    }
  }

  private static Connection connectPatiently(Options options) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try {
        return Nats.connect(options);
      } catch (IOException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        TimeUnit.MILLISECONDS.sleep(200); // the broker may be down right now: retry, bounded
      }
    }
  }
}
