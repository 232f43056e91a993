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
 * When a publish fails, the sender lets the whole window settle, puts the failed events back in
 * front of everything else, reports once, pauses (longer after consecutive failures), waits for
 * the client to reconnect, and sends them again, in order. Each keeps its Nats-Msg-Id, so a retry
 * of an event the broker had in fact stored is dropped by the broker's duplicate window, or else by
 * the receivers. Events stored before an earlier one's retry are reordered by the receivers.
 */
final class Outbox implements EmissionRelay {

  private static final int WINDOW = 256;
  private static final long MAX_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  private final BridgeConfig config;
  private final EnvelopeCodec codec;
  private final JetStream jetStream;
  private final Connection connection;
  private final ErrorSink errors;
  private final StallGuard stallGuard;
  private final MpscAtomicArrayQueue<OutgoingEvent> queue;
  private final Thread sender;

  /* The event name of a gap notice: a receiver moves past its sequence number. */
  static final String GAP_NOTICE = "_gap";

  /* Bytes kept for the envelope's own members around the parameters. */
  private static final int ENVELOPE_ROOM = 1024;

  private final AtomicLong overflowed = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private final AtomicLong published = new AtomicLong();
  private final AtomicLong publishFailures = new AtomicLong();
  private volatile int inFlight;
  private volatile boolean senderParked;
  private volatile boolean closing;
  private volatile boolean abandon;
  private long seq;
  /* Sender thread only: failed events waiting to be sent again, before anything new. */
  private final ArrayDeque<InFlight> retry = new ArrayDeque<>();
  private int consecutiveFailures;
  private boolean confirmedAny;

  @SuppressWarnings("ArrayRecordComponent") // never compared: a holder
  private record InFlight(
      OutgoingEvent event, long seq, byte[] body, CompletableFuture<PublishAck> ack, long deadline) {}

  Outbox(BridgeConfig config, EnvelopeCodec codec, Connection connection, JetStream jetStream,
      ErrorSink errors,
      StallGuard stallGuard) {
    this.stallGuard = stallGuard;
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
  public Object check(Event event) {
    JsonPayload.Encoded payload = JsonPayload.encode(codec.factory(), event, BridgeConfig.ORIGIN_NODE);
    byte[] types = payload.types();
    long size = (long) payload.params().length + (types == null ? 0 : types.length);
    long limit = Math.min(connection.getMaxPayload(), config.maxMessageBytes()) - ENVELOPE_ROOM;
    if (size > limit) {
      throw new IllegalArgumentException(
          "emit("
              + config.nameOf(event.type())
              + "): its parameters take "
              + size
              + " bytes as JSON, more than the "
              + limit
              + " a bridged event may carry (the broker's max_payload and the bridge's"
              + " maxMessageBytes, less room for the envelope); send a reference to the data"
              + " instead");
    }
    return payload;
  }

  @Override
  public void relay(Event event, @Nullable Object token) {
    if (!(token instanceof JsonPayload.Encoded payload)) {
      throw new IllegalStateException("relay() without the token of check() for " + event);
    }
    Enum<?> type = event.type();
    OutgoingEvent outgoing =
        new OutgoingEvent(
            config.subjectOf(type),
            config.nameOf(type),
            event.timestamp(),
            event.eventDate(),
            event.eventTime(),
            payload);
    if (closing) { // raced close(): the relay was still installed when this emit began
      overflowed.incrementAndGet();
      errors.report(
          BridgeError.Kind.OUTBOX_OVERFLOW,
          "NATS bridge " + config.nodeId() + " is closing: " + config.nameOf(type)
              + " was delivered locally but not sent",
          null);
      return;
    }
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
    if (closing && !sender.isAlive()) { // raced close(): the sender is gone, count what it left
      for (OutgoingEvent left; (left = queue.poll()) != null; ) {
        overflowed.incrementAndGet();
        errors.report(
            BridgeError.Kind.OUTBOX_OVERFLOW,
            "NATS bridge " + config.nodeId() + " closed: " + left.eventName()
                + " was delivered locally but not sent",
            null);
      }
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
          if (closing && queue.isEmpty() && retry.isEmpty()) {
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
      errors.report(
          BridgeError.Kind.PUBLISH_FAILED,
          "NATS bridge " + config.nodeId() + ": its sender stopped unexpectedly; " + pending()
              + " events will not be sent",
          e);
    } finally {
      inFlight = window.size() + retry.size();
    }
  }

  private void fill(ArrayDeque<InFlight> window) {
    // Until the broker stored this incarnation's first event, one at a time: a receiver meets the
    // incarnation with its first event, never with a later one that overtook it.
    int limit = confirmedAny ? WINDOW : 1;
    while (window.size() < limit && !retry.isEmpty()) {
      InFlight again = retry.removeFirst();
      window.addLast(publishAsync(again.event(), again.seq(), again.body()));
    }
    while (window.size() < limit) {
      OutgoingEvent event = queue.poll();
      if (event == null) {
        break;
      }
      long number = ++seq;
      InFlight oldest = window.peekFirst();
      long floor = oldest != null ? oldest.seq() : number; // retry is empty: it is sent first
      byte[] body = codec.write(event, config.nodeId(), config.epoch(), number, floor);
      window.addLast(publishAsync(event, number, body));
    }
    inFlight = window.size() + retry.size();
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
        .streamTimeout(config.publishTimeout()) // bounds a synchronous publish (the probe)
        .build();
  }

  private void park() {
    senderParked = true;
    VarHandle.fullFence();
    if (queue.isEmpty() && !closing) {
      LockSupport.parkNanos(this, MAX_PARK_NANOS); // bounded: a safety net only (see relay())
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
      consecutiveFailures = 0;
      confirmedAny = true;
      return true;
    } catch (TimeoutException e) {
      return System.nanoTime() - head.deadline() < 0; // still within its time: keep waiting
    } catch (ExecutionException e) {
      return false;
    }
  }

  /*
   * A publish failed: lets the window settle, puts the failed events back in front of the retry
   * queue (in order), reports once, pauses (growing with consecutive failures) and waits for the
   * connection to be back before fill() sends them again.
   */
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
    for (int i = failed.size() - 1; i >= 0; i--) {
      retry.addFirst(failed.get(i));
    }
    inFlight = retry.size();
    publishFailures.addAndGet(failed.size());
    consecutiveFailures++;
    InFlight first = failed.isEmpty() ? null : failed.get(0);
    String serverSaid = takeLastError();
    errors.report(
        BridgeError.Kind.PUBLISH_FAILED,
        "NATS bridge "
            + config.nodeId()
            + ": "
            + failed.size()
            + " publishes failed"
            + (first == null ? "" : ", from " + first.event().eventName() + " (seq " + first.seq() + ")")
            + quote(serverSaid)
            + "; resending them in order",
        firstCause);
    long pauseMillis = Math.min(50L << Math.min(consecutiveFailures - 1, 6), 2_000);
    Thread.sleep(pauseMillis); // interruptible: close() interrupts when it gives up
    awaitConnected();
    stallGuard.verify();
    awaitConnected();
    // Probe with the oldest failed event, synchronously, until the broker stores it: right after
    // a broker restart, asynchronous publishes were seen to time out for seconds while
    // synchronous ones succeeded. The rest follow through the window.
    long pause = 50;
    while (!retry.isEmpty() && !abandon) {
      InFlight oldest = retry.peekFirst();
      connection.clearLastError(); // only an error that comes during this probe is about it
      try {
        jetStream.publish(oldest.event().subject(), oldest.body(), options(oldest.seq()));
        stallGuard.answered();
        retry.removeFirst();
        published.incrementAndGet();
        confirmedAny = true;
        inFlight = retry.size();
        return;
      } catch (java.io.IOException | io.nats.client.JetStreamApiException | RuntimeException e) {
        publishFailures.incrementAndGet();
        String said = takeLastError();
        if (refusedForGood(e, said, oldest.event().subject())) {
          refuse(oldest, e, said);
          continue;
        }
        if (StallGuard.isTimeout(e)) {
          stallGuard.timedOut();
        }
        errors.report(
            BridgeError.Kind.PUBLISH_FAILED,
            "NATS bridge "
                + config.nodeId()
                + ": resending "
                + oldest.event().eventName()
                + " (seq "
                + oldest.seq()
                + ") failed"
                + quote(said)
                + "; retrying",
            e);
        Thread.sleep(pause); // interruptible: close() interrupts when it gives up
        pause = Math.min(pause * 2, 2_000);
        awaitConnected();
        stallGuard.verify();
        awaitConnected();
      }
    }
  }

  /*
   * Failures that no retry can cure: a payload over the server's limit, a publish the server's
   * permissions deny on this subject, a stream that does not take the subject.
   */
  private static boolean refusedForGood(Throwable failure, String serverSaid, String subject) {
    if (failure instanceof IllegalArgumentException) {
      return true;
    }
    if (failure instanceof io.nats.client.JetStreamApiException api
        && api.getApiErrorCode() == 10060) { // expected stream does not match
      return true;
    }
    return serverSaid.contains("Permissions Violation for Publish to \"" + subject + "\"");
  }

  /*
   * Gives up on one event: counts and reports it, and sends in its place a gap notice with its
   * sequence number (subject <prefix>._gap), so that receivers move on at once instead of holding
   * the origin's later events for the gap timeout. A refused notice is dropped in turn.
   */
  private void refuse(InFlight flight, Throwable cause, String serverSaid) {
    retry.removeFirst();
    inFlight = retry.size();
    if (flight.event().eventName().equals(GAP_NOTICE)) {
      ErrorSink.LOG.warn(
          "NATS bridge {}: the gap notice for seq {} was refused too{}; receivers will wait for the"
              + " gap timeout",
          config.nodeId(),
          flight.seq(),
          quote(serverSaid));
      return;
    }
    refused.incrementAndGet();
    errors.report(
        BridgeError.Kind.PUBLISH_REFUSED,
        "NATS bridge "
            + config.nodeId()
            + ": the broker refused "
            + flight.event().eventName()
            + " (seq "
            + flight.seq()
            + ") for good"
            + quote(serverSaid)
            + "; it was delivered locally but is not sent",
        cause);
    OutgoingEvent notice =
        new OutgoingEvent(
            config.subjectPrefix() + "." + GAP_NOTICE,
            GAP_NOTICE,
            flight.event().timestamp(),
            flight.event().eventDate(),
            flight.event().eventTime(),
            JsonPayload.EMPTY);
    byte[] body = codec.write(notice, config.nodeId(), config.epoch(), flight.seq());
    retry.addFirst(new InFlight(notice, flight.seq(), body, CompletableFuture.failedFuture(cause), 0));
    inFlight = retry.size();
  }

  private void awaitConnected() throws InterruptedException {
    while (connection.getStatus() != Connection.Status.CONNECTED && !abandon) {
      if (connection.getStatus() == Connection.Status.CLOSED) {
        ErrorSink.LOG.error(
            "NATS bridge {}: its connection was closed while {} events wait to be sent; they will"
                + " not be sent. Close the bridge before its connection",
            config.nodeId(),
            pending());
        throw new InterruptedException("the NATS connection was closed");
      }
      Thread.sleep(50); // waiting for the client to reconnect, bounded by close()'s timeout
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

  /* The server's last -ERR, if any; cleared once taken so that a later failure never repeats it. */
  private String takeLastError() {
    String last = connection.getLastError();
    if (last == null || last.isEmpty()) {
      return "";
    }
    connection.clearLastError();
    return last;
  }

  private static String quote(String serverSaid) {
    return serverSaid.isEmpty() ? "" : " (server said: " + serverSaid + ")";
  }

  // ------------------------------------------------------------------ closing

  /* Sends what was accepted, within the timeout; returns how many events were not sent. */
  long close(Duration timeout) throws InterruptedException {
    closing = true;
    LockSupport.unpark(sender);
    sender.join(Math.max(1, timeout.toMillis()));
    if (sender.isAlive()) {
      abandon = true;
      sender.interrupt();
      sender.join(1_000);
    }
    return queue.size() + (long) inFlight; // 0 unless it gave up or the sender died
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

  long refused() {
    return refused.get();
  }

  long publishFailures() {
    return publishFailures.get();
  }
}
