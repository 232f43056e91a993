package org.jorchestrate.nats.internal;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.PublishOptions;
import io.nats.client.api.PublishAck;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.jctools.queues.atomic.MpscAtomicArrayQueue;
import org.jorchestrate.events.Event;
import org.jorchestrate.events.spi.EmissionRelay;
import org.jorchestrate.nats.BridgeError;
import org.jspecify.annotations.Nullable;

/*
 * The sending half of the bridge. As an EmissionRelay it sees every local emission of a bridged
 * type on the emitting thread: check() encodes the parameters (so a value JSON cannot carry fails
 * emit), relay() queues the event. One sender thread takes events in queue order, numbers them
 * (gap-free per incarnation, so that receivers can restore order and detect loss), and publishes
 * them with a window of asynchronous publishes.
 *
 * When a publish fails, the sender lets the whole window settle, then republishes the failed
 * events one by one in order, retrying each with a growing pause until the broker stores it (or
 * close() gives up). Each keeps its Nats-Msg-Id, so a retry of an event the broker had in fact
 * stored is dropped by the broker's duplicate window, or else by the receivers. Events published
 * after a failed one may reach the stream before its retry; receivers reorder per origin.
 */
final class Outbox implements EmissionRelay {

  private static final int WINDOW = 256;
  /* From check() to relay(), which the engine calls one after the other on the emitting thread. */
  private static final ThreadLocal<@Nullable Checked> CHECKED = new ThreadLocal<>();
  private static final long MAX_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  private final BridgeConfig config;
  private final EnvelopeCodec codec;
  private final JetStream jetStream;
  private final Connection connection;
  private final ErrorSink errors;
  private final MpscAtomicArrayQueue<OutgoingEvent> queue;
  private final Thread sender;

  private final AtomicLong overflowed = new AtomicLong();
  private final AtomicLong published = new AtomicLong();
  private final AtomicLong publishFailures = new AtomicLong();
  private volatile int inFlight;
  private volatile boolean senderParked;
  private volatile boolean closing;
  private volatile boolean abandon;
  private long seq;

  private record Checked(Event event, JsonPayload.Encoded payload) {}

  @SuppressWarnings("ArrayRecordComponent") // never compared: a holder
  private record InFlight(
      OutgoingEvent event, long seq, byte[] body, CompletableFuture<PublishAck> ack, long deadline) {}

  Outbox(BridgeConfig config, EnvelopeCodec codec, Connection connection, JetStream jetStream,
      ErrorSink errors) {
    this.config = config;
    this.codec = codec;
    this.connection = connection;
    this.jetStream = jetStream;
    this.errors = errors;
    this.queue = new MpscAtomicArrayQueue<>(config.outboxCapacity());
    this.sender = new Thread(this::send, "jorchestrate-nats-" + config.nodeId() + "-sender");
    this.sender.setDaemon(true);
  }

  void start() {
    sender.start();
  }

  // ------------------------------------------------------------------ relay (emitting threads)

  @Override
  public boolean relays(Enum<?> type) {
    return config.bridges(type);
  }

  @Override
  public void check(Event event) {
    CHECKED.set(new Checked(event, JsonPayload.encode(codec.factory(), event, BridgeConfig.ORIGIN_NODE)));
  }

  @Override
  public void relay(Event event) {
    Checked mine = CHECKED.get();
    CHECKED.remove();
    if (mine == null || mine.event() != event) {
      throw new IllegalStateException("relay() without check() for " + event);
    }
    Enum<?> type = event.type();
    OutgoingEvent outgoing =
        new OutgoingEvent(
            config.subjectOf(type),
            config.nameOf(type),
            event.timestamp(),
            event.eventDate(),
            event.eventTime(),
            mine.payload());
    if (!queue.offer(outgoing)) {
      long count = overflowed.incrementAndGet();
      errors.report(
          BridgeError.Kind.OUTBOX_OVERFLOW,
          "NATS bridge "
              + config.nodeId()
              + ": the outgoing buffer holds its capacity of "
              + queue.capacity()
              + " events (broker unreachable or slow); "
              + config.nameOf(type)
              + " was delivered locally but not sent ("
              + count
              + " not sent so far). Raise outboxCapacity or restore the broker",
          null);
      return;
    }
    VarHandle.fullFence(); // the offer before reading senderParked; the sender writes, then reads
    if (senderParked) {
      LockSupport.unpark(sender);
    }
  }

  @Override
  public String toString() {
    return "NatsEventBridge(" + config.nodeId() + ") outbox";
  }

  // ------------------------------------------------------------------ sender thread

  private void send() {
    ArrayDeque<InFlight> window = new ArrayDeque<>(WINDOW);
    try {
      while (!abandon) {
        fill(window);
        InFlight head = window.peekFirst();
        if (head == null) {
          if (closing && queue.isEmpty()) {
            return;
          }
          park();
          continue;
        }
        if (!settleHead(window, head)) {
          recover(window);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // close() gave up: it reports what was not sent
    } catch (RuntimeException | Error e) {
      ErrorSink.LOG.error("NATS bridge {}: the sender stopped unexpectedly", config.nodeId(), e);
    } finally {
      inFlight = window.size();
    }
  }

  private void fill(ArrayDeque<InFlight> window) {
    while (window.size() < WINDOW) {
      OutgoingEvent event = queue.poll();
      if (event == null) {
        break;
      }
      long number = ++seq;
      byte[] body = codec.write(event, config.nodeId(), config.epoch(), number);
      window.addLast(publishAsync(event, number, body));
    }
    inFlight = window.size();
  }

  private InFlight publishAsync(OutgoingEvent event, long number, byte[] body) {
    CompletableFuture<PublishAck> ack;
    try {
      ack = jetStream.publishAsync(event.subject(), body, options(number));
    } catch (RuntimeException e) { // e.g. the connection is closed or its buffer is full
      ack = CompletableFuture.failedFuture(e);
    }
    return new InFlight(event, number, body, ack, System.nanoTime() + config.publishTimeout().toNanos());
  }

  private PublishOptions options(long number) {
    return PublishOptions.builder()
        .expectedStream(config.stream())
        .messageId(Envelope.messageId(config.nodeId(), config.epoch(), number))
        .build();
  }

  private void park() {
    senderParked = true;
    VarHandle.fullFence();
    if (queue.isEmpty() && !closing) {
      LockSupport.parkNanos(this, MAX_PARK_NANOS); // bounded: a missed unpark costs at most this
    }
    senderParked = false;
  }

  /* Waits for the oldest publish; true if it was stored, false if it failed. */
  private boolean settleHead(ArrayDeque<InFlight> window, InFlight head)
      throws InterruptedException {
    long wait = Math.min(head.deadline() - System.nanoTime(), TimeUnit.MILLISECONDS.toNanos(5));
    try {
      head.ack().get(Math.max(wait, 0), TimeUnit.NANOSECONDS);
      window.removeFirst();
      published.incrementAndGet();
      return true;
    } catch (TimeoutException e) {
      return System.nanoTime() - head.deadline() < 0; // still within its time: keep waiting
    } catch (ExecutionException e) {
      return false;
    }
  }

  /* A publish failed: let the window settle, then republish the failed ones in order. */
  private void recover(ArrayDeque<InFlight> window) throws InterruptedException {
    List<InFlight> failed = new ArrayList<>();
    Throwable firstCause = null;
    for (InFlight flight : window) {
      Throwable cause = settle(flight);
      if (cause == null) {
        published.incrementAndGet();
      } else {
        failed.add(flight);
        if (firstCause == null) {
          firstCause = cause;
        }
      }
    }
    window.clear();
    inFlight = failed.size();
    for (int i = 0; i < failed.size(); i++) {
      republish(failed.get(i), firstCause);
      inFlight = failed.size() - i - 1;
    }
  }

  private static @Nullable Throwable settle(InFlight flight) throws InterruptedException {
    long wait = flight.deadline() - System.nanoTime();
    try {
      flight.ack().get(Math.max(wait, 0), TimeUnit.NANOSECONDS);
      return null;
    } catch (ExecutionException e) {
      return e.getCause() == null ? e : e.getCause();
    } catch (TimeoutException e) {
      return e;
    }
  }

  private void republish(InFlight flight, @Nullable Throwable cause) throws InterruptedException {
    long pauseMillis = 50;
    Throwable last = cause;
    for (int attempt = 1; ; attempt++) {
      publishFailures.incrementAndGet();
      errors.report(
          BridgeError.Kind.PUBLISH_FAILED,
          "NATS bridge "
              + config.nodeId()
              + ": publishing "
              + flight.event().eventName()
              + " (seq "
              + flight.seq()
              + ") failed"
              + describeLastError()
              + "; retrying in order (attempt "
              + attempt
              + ")",
          last);
      if (abandon) {
        throw new InterruptedException("close() gave up");
      }
      Thread.sleep(pauseMillis); // interruptible: close() interrupts when it gives up
      pauseMillis = Math.min(pauseMillis * 2, 2_000);
      try {
        jetStream.publish(flight.event().subject(), flight.body(), options(flight.seq()));
        published.incrementAndGet();
        return;
      } catch (java.io.IOException | io.nats.client.JetStreamApiException | RuntimeException e) {
        last = e;
      }
    }
  }

  private String describeLastError() {
    String last = connection.getLastError();
    return last == null || last.isEmpty() ? "" : " (server said: " + last + ")";
  }

  // ------------------------------------------------------------------ closing

  /* Sends what was accepted, within the timeout; returns how many events were not sent. */
  long close(Duration timeout) throws InterruptedException {
    closing = true;
    LockSupport.unpark(sender);
    sender.join(Math.max(1, timeout.toMillis()));
    if (!sender.isAlive()) {
      return 0;
    }
    abandon = true;
    sender.interrupt();
    sender.join(1_000);
    return queue.size() + (long) inFlight;
  }

  long published() {
    return published.get();
  }

  long pending() {
    return queue.size() + (long) inFlight;
  }

  long overflowed() {
    return overflowed.get();
  }

  long publishFailures() {
    return publishFailures.get();
  }
}
