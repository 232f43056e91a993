package org.jorchestrate.bench.nats;

import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.jorchestrate.events.Event;
import org.jorchestrate.events.EventCallback;
import org.jorchestrate.events.EventManager;
import org.jorchestrate.nats.BridgeStatistics;
import org.jorchestrate.nats.NatsEventBridge;

/**
 * One measurement of the NATS bridge on loopback, run in its own JVM by {@link
 * NatsBridgeBenchmark}, against its own nats-server (see {@link Loopback}). Prints progress, then
 * one line starting with {@code RESULT}, or one starting with {@code FAIL} and exits with 1, then
 * {@code CPU <seconds>}: the CPU time this JVM and its nats-server used.
 *
 * <ul>
 *   <li>{@code throughput <events> <warm-up events>}: the sender emits as fast as {@code emit}
 *       returns; {@code RESULT throughput <events> <s to return from the last emit> <s until the
 *       broker confirmed the last publish> <s until the receiver's last callback>}, all from the
 *       first emit.
 *   <li>{@code latency <rate/s> <warm-up s> <measurement s>}: the sender emits at a fixed rate,
 *       each event carrying the {@code System.nanoTime()} it was due; the receiver's callback
 *       records now minus that. {@code RESULT latency <rate> <p50> <p99> <p99.9> <max> <count>
 *       <emitter late p99> <emitter late max>}, in microseconds.
 * </ul>
 */
public final class NatsMeasurement {

  /* Large enough that a burst of the full mode's million events never overflows. */
  static final int OUTBOX_CAPACITY = 1 << 20;
  private static final long TIMEOUT_NANOS = TimeUnit.MINUTES.toNanos(3);

  /* The CPU seconds the nats-server used, read just before it stops. */
  private static double serverCpu;

  private NatsMeasurement() {}

  /**
   * Runs one measurement.
   *
   * @param args {@code throughput <events> <warm-up events>} or {@code latency <rate/s> <warm-up
   *     s> <measurement s>}
   */
  public static void main(String[] args) {
    int status = 0;
    serverCpu = 0;
    try {
      switch (args[0]) {
        case "throughput" -> throughput(Long.parseLong(args[1]), Long.parseLong(args[2]));
        case "latency" ->
            latency(Long.parseLong(args[1]), Long.parseLong(args[2]), Long.parseLong(args[3]));
        default -> throw new IllegalArgumentException("unknown measurement " + args[0]);
      }
    } catch (Exception e) {
      e.printStackTrace(System.out);
      System.out.println("FAIL " + String.valueOf(e.getMessage()).replace('\n', ' '));
      status = 1;
    }
    double ownCpu =
        ProcessHandle.current().info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(0.0);
    System.out.printf(Locale.ROOT, "CPU %.2f%n", ownCpu + serverCpu);
    System.exit(status);
  }

  /** The receiver's callback: counts, checks order, records latency against parameter t. */
  static final class Receiver implements EventCallback {
    final Recorder latency = new Recorder(3);
    private final AtomicLong count = new AtomicLong();
    private volatile long target = Long.MAX_VALUE;
    private volatile long reachedAt;
    /* Written by the callbacks, which never run concurrently and each happen-before the next;
     * read by the main thread after it read count. */
    private long expected;
    private long outOfOrder;

    @Override
    public void onEvent(Event event) {
      long now = System.nanoTime();
      long seq = event.get("seq", Long.class);
      long sent = event.get("t", Long.class);
      latency.recordValue(Math.max(0, now - sent));
      if (seq != expected) {
        outOfOrder++;
      }
      expected = seq + 1;
      long counted = count.get() + 1; // the only writer: callbacks of one subscription
      if (counted == target) {
        reachedAt = now; // before the count, so that whoever sees the count sees this
      }
      count.set(counted);
    }

    long count() {
      return count.get();
    }

    long outOfOrder() {
      count.get();
      return outOfOrder;
    }

    /* Waits until the callback counted `total`; returns the nanoTime of that callback. */
    long awaitCount(long total) {
      target = total;
      long deadline = System.nanoTime() + TIMEOUT_NANOS;
      while (count.get() < total) {
        if (System.nanoTime() - deadline > 0) {
          throw new IllegalStateException(
              "the receiver's callback counted " + count.get() + " of " + total + " events");
        }
        LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(200));
      }
      long at = reachedAt;
      return at != 0 ? at : System.nanoTime(); // 0: reached before the target was set
    }
  }

  private static void throughput(long events, long warmup) throws Exception {
    try (Loopback net = Loopback.start(OUTBOX_CAPACITY)) {
      Receiver receiver = new Receiver();
      net.receiverEvents.registerEvent(NatsBenchEvent.TICK, receiver);
      EventManager sender = net.senderEvents;

      System.out.println("warm-up: " + warmup + " events");
      for (long i = 0; i < warmup; i++) {
        sender.emit(NatsBenchEvent.TICK, "seq", i, "t", System.nanoTime());
      }
      receiver.awaitCount(warmup);
      awaitPublished(net.sender, warmup);

      long total = warmup + events;
      System.out.println("measuring: " + events + " events");
      receiver.target = total;
      long start = System.nanoTime();
      for (long i = warmup; i < total; i++) {
        sender.emit(NatsBenchEvent.TICK, "seq", i, "t", System.nanoTime());
      }
      long emitted = System.nanoTime();
      long published = awaitPublished(net.sender, total);
      long delivered = receiver.awaitCount(total);

      Thread.sleep(1_000); // anything delivered twice would show up by now
      serverCpu = net.server.cpuSeconds();
      check(net, receiver, total);
      System.out.printf(
          Locale.ROOT,
          "RESULT throughput %d %.6f %.6f %.6f%n",
          events,
          (emitted - start) / 1e9,
          (published - start) / 1e9,
          (delivered - start) / 1e9);
    }
  }

  private static void latency(long rate, long warmupSeconds, long measureSeconds)
      throws Exception {
    try (Loopback net = Loopback.start(OUTBOX_CAPACITY)) {
      Receiver receiver = new Receiver();
      net.receiverEvents.registerEvent(NatsBenchEvent.TICK, receiver);
      Histogram late = new Histogram(3);

      System.out.println("warm-up: " + warmupSeconds + " s at " + rate + "/s");
      long emitted = emitAtRate(net.senderEvents, rate, warmupSeconds, 0, late);
      receiver.awaitCount(emitted);
      receiver.latency.getIntervalHistogram(); // discard the warm-up
      late.reset();

      System.out.println("measuring: " + measureSeconds + " s at " + rate + "/s");
      emitted = emitAtRate(net.senderEvents, rate, measureSeconds, emitted, late);
      receiver.awaitCount(emitted);
      Histogram histogram = receiver.latency.getIntervalHistogram();
      awaitPublished(net.sender, emitted);
      Thread.sleep(500);
      serverCpu = net.server.cpuSeconds();
      check(net, receiver, emitted);
      System.out.printf(
          Locale.ROOT,
          "RESULT latency %d %.1f %.1f %.1f %.1f %d %.1f %.1f%n",
          rate,
          histogram.getValueAtPercentile(50) / 1e3,
          histogram.getValueAtPercentile(99) / 1e3,
          histogram.getValueAtPercentile(99.9) / 1e3,
          histogram.getMaxValue() / 1e3,
          histogram.getTotalCount(),
          late.getValueAtPercentile(99) / 1e3,
          late.getMaxValue() / 1e3);
    }
  }

  /*
   * Emits `rate` events per second for `seconds` on a fixed schedule: event i is due at start + i
   * / rate and carries that due time, not the time it was actually emitted, so an emitter held up
   * (by a slow emit, a GC pause, or its own late wake-up, recorded in `late`) counts against the
   * latency (no coordinated omission). Returns the number of events emitted so far.
   */
  private static long emitAtRate(
      EventManager events, long rate, long seconds, long emittedBefore, Histogram late) {
    long count = rate * seconds;
    long start = System.nanoTime();
    for (long i = 0; i < count; i++) {
      long due = start + i * 1_000_000_000L / rate;
      long wait;
      while ((wait = due - System.nanoTime()) > 0) {
        LockSupport.parkNanos(wait);
      }
      late.recordValue(-wait);
      events.emit(NatsBenchEvent.TICK, "seq", emittedBefore + i, "t", due);
    }
    return emittedBefore + count;
  }

  /* Waits until the broker confirmed `total` publishes of the sender; returns that nanoTime. */
  private static long awaitPublished(NatsEventBridge sender, long total) {
    long deadline = System.nanoTime() + TIMEOUT_NANOS;
    while (true) {
      BridgeStatistics stats = sender.statistics();
      if (stats.published() >= total) {
        return System.nanoTime();
      }
      if (stats.overflowed() > 0 || System.nanoTime() - deadline > 0) {
        throw new IllegalStateException(
            "the broker confirmed " + stats.published() + " of " + total + " publishes: " + stats);
      }
      LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(500));
    }
  }

  /* Fails unless every event was published and delivered exactly once, in order, without errors. */
  private static void check(Loopback net, Receiver receiver, long total) {
    BridgeStatistics sent = net.sender.statistics();
    BridgeStatistics received = net.receiver.statistics();
    System.out.println("sender   " + sent);
    System.out.println("receiver " + received);
    if (sent.overflowed() != 0) {
      throw new IllegalStateException(sent.overflowed() + " events overflowed the sender's outbox");
    }
    if (receiver.count() != total) {
      throw new IllegalStateException(
          "the receiver's callback counted " + receiver.count() + " events, not " + total);
    }
    if (receiver.outOfOrder() != 0) {
      throw new IllegalStateException(
          receiver.outOfOrder() + " events reached the receiver out of order");
    }
    if (sent.published() != total) {
      throw new IllegalStateException(
          "the broker confirmed " + sent.published() + " publishes, not " + total);
    }
    if (net.bridgeErrors() != 0) {
      throw new IllegalStateException(
          "the bridges reported " + net.bridgeErrors() + " errors, the first: " + net.firstError());
    }
  }
}
