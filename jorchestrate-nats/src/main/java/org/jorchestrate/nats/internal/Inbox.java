package org.jorchestrate.nats.internal;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.api.ConsumerInfo;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.jorchestrate.events.Emission;
import org.jorchestrate.events.EventManager;
import org.jorchestrate.events.spi.Relays;
import org.jorchestrate.nats.BridgeError;
import org.jspecify.annotations.Nullable;

/*
 * The receiving half of the bridge: one thread pulls batches from this node's durable consumer and
 * re-emits other nodes' events on the local manager, exactly once and in each origin's order.
 *
 * Per message, in stream order: skip this node's own events; decode (a message that is not an
 * envelope is poison: logged, reported, terminated so the broker never redelivers it); then, by
 * the origin incarnation's OriginState, drop a duplicate (seq below `next`), emit the expected one
 * (seq == next) and any held ones that follow it, or hold one that came early.
 *
 * Acknowledgement comes last: a message is acked only after its emission completed, that is after
 * every local callback ran (Emission.isDone), and after the origin's `delivered` mark covering it
 * was stored (or its store failed and will be retried). So a crash of this node before that point
 * makes the broker redeliver, and the mark decides whether the callbacks see it again: they do
 * only for events whose callbacks had run after the last stored mark (see the README).
 *
 * Liveness: every failure of the broker connection is caught, reported, paused on and retried;
 * the subscription is re-bound after errors, and also when it stays silent while the consumer says
 * messages are waiting (nats.java#892: a consumer that silently stops after a restart).
 */
final class Inbox {

  private static final int BATCH = 256;
  private static final int MAX_STATES = 4_096;
  private static final int MAX_IN_FLIGHT = 4_096;
  /* A pull request lasts this long; shorter ones left messages waiting between requests (p99 of
   * 210 ms at 1,000 events/s with 250 ms, 3.5 ms with 1 s: see docs/BENCHMARKS-nats.md). */
  private static final Duration FETCH_WAIT = Duration.ofSeconds(1);
  private static final long WATCHDOG_NANOS = TimeUnit.SECONDS.toNanos(3);
  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{1,128}");

  record Held(Envelope envelope, @Nullable Enum<?> type, Message message) {}

  /* A message taken in order: acked at settle() once its emission (if any) is done. */
  private record Delivery(
      Message message, @Nullable Emission emission, OriginState state, long seq, boolean ack) {}

  private final BridgeConfig config;
  private final EventManager manager;
  private final Connection connection;
  private final JetStream jetStream;
  private final JetStreamManagement management;
  private final EnvelopeCodec codec;
  private final Marks marks;
  private final ErrorSink errors;
  private final String durable;
  private final Thread receiver;
  private final Map<String, Long> loadedMarks;
  /* Where the stored marks said to resume (0: unknown), until this run takes a message. */
  private final long initialResume;
  private final ConsumerSetup consumerSetup;
  private final StallGuard stallGuard;

  /* Creates this node's durable consumer again: if it disappeared (ensure), or to deliver from a
   * stream sequence at once (restartAt, after deliveries were lost on the way). */
  interface ConsumerSetup {
    void ensure(long resumeAt) throws IOException, JetStreamApiException;

    void restartAt(long streamSequence) throws IOException, JetStreamApiException;
  }
  private final Map<String, OriginState> states =
      new LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, OriginState> eldest) {
          return size() > MAX_STATES && eldest.getValue().held.isEmpty();
        }
      };
  private final ArrayDeque<Delivery> inFlight = new ArrayDeque<>();
  private final List<Message> toAck = new ArrayList<>();

  final AtomicLong received = new AtomicLong();
  final AtomicLong delivered = new AtomicLong();
  final AtomicLong duplicates = new AtomicLong();
  final AtomicLong redelivered = new AtomicLong();
  final AtomicLong ownSkipped = new AtomicLong();
  final AtomicLong poison = new AtomicLong();
  final AtomicLong gapsSkipped = new AtomicLong();
  final AtomicLong lostDeliveryRecoveries = new AtomicLong();
  final AtomicLong unknownTypes = new AtomicLong();

  private volatile boolean closing;
  private volatile long closeDeadline;
  private volatile boolean drained;
  private @Nullable JetStreamSubscription subscription;
  private long silentSince = System.nanoTime();
  private long lastStreamSequence;
  /* The consumer's delivery sequence of the last message taken (0: none since the last bind of a
   * re-created consumer); a jump means that deliveries to this node were lost on the way. */
  private long lastDelivery;
  private long lostFrom; // > 0: re-create the consumer to deliver from this stream sequence
  private long lostCount;
  private volatile long backlog; // messages the consumer still had for this node, as of the last
  private volatile int heldGauge; // for statistics(): written by the receiver thread
  private long storedResume;

  Inbox(
      BridgeConfig config,
      EventManager manager,
      Connection connection,
      JetStream jetStream,
      JetStreamManagement management,
      EnvelopeCodec codec,
      Marks marks,
      ErrorSink errors,
      String durable,
      Map<String, Long> loadedMarks,
      long initialResume,
      ConsumerSetup consumerSetup,
      StallGuard stallGuard) {
    this.stallGuard = stallGuard;
    this.config = config;
    this.manager = manager;
    this.connection = connection;
    this.jetStream = jetStream;
    this.management = management;
    this.codec = codec;
    this.marks = marks;
    this.errors = errors;
    this.durable = durable;
    this.loadedMarks = loadedMarks;
    this.initialResume = initialResume;
    this.consumerSetup = consumerSetup;
    this.receiver = new Thread(this::receive, "jorchestrate-nats-" + config.nodeId() + "-receiver");
    this.receiver.setDaemon(true);
  }

  void start() {
    receiver.start();
  }

  // ------------------------------------------------------------------ receiver thread

  private void receive() {
    try {
      receiveUntilClosed();
    } finally {
      drain();
    }
  }

  private void receiveUntilClosed() {
    long pauseMillis = 100;
    while (!closing) {
      if (manager.isShutdown()) {
        // Nothing can be delivered any more; messages stay unacknowledged for this node's next
        // start. Say so once, then wait for close() instead of failing every round.
        ErrorSink.LOG.warn(
            "NATS bridge {}: its EventManager was shut down; it stops receiving (close the bridge"
                + " before the manager)",
            config.nodeId());
        while (!closing && !Thread.currentThread().isInterrupted()) {
          pauseQuietly(100);
        }
        return;
      }
      try {
        if (lostFrom > 0) {
          recoverLostDeliveries();
        }
        JetStreamSubscription sub = subscription;
        if (sub == null) {
          sub = bind();
          subscription = sub;
          silentSince = System.nanoTime();
        }
        waitWhileTooManyInFlight();
        // iterate, not fetch: each message is emitted as it arrives, not when the batch is full
        Iterator<Message> batch = sub.iterate(BATCH, FETCH_WAIT);
        int taken = 0;
        while (batch.hasNext()) {
          onMessage(batch.next());
          taken++;
        }
        stallGuard.answered();
        settle();
        skipExpiredGaps();
        if (taken == 0) {
          backlog = 0; // an empty pull: nothing was waiting for this node
          watchdog();
        } else {
          silentSince = System.nanoTime();
        }
        pauseMillis = 100;
      } catch (InterruptedException e) {
        if (closing) {
          break;
        }
        Thread.interrupted();
      } catch (IOException | JetStreamApiException | RuntimeException e) {
        if (closing) {
          break;
        }
        if (StallGuard.isTimeout(e)) {
          try {
            stallGuard.timedOut();
          } catch (InterruptedException stop) {
            break;
          }
        }
        errors.report(
            BridgeError.Kind.CONSUME_FAILED,
            "NATS bridge "
                + config.nodeId()
                + ": receiving from stream "
                + config.stream()
                + " failed; retrying in "
                + pauseMillis
                + " ms",
            e);
        unbind();
        pauseQuietly(pauseMillis);
        try {
          stallGuard.verify();
        } catch (InterruptedException stop) {
          break;
        }
        pauseMillis = Math.min(pauseMillis * 2, 2_000);
      }
    }
  }

  /*
   * The consumer's delivery sequence jumped: the broker delivered messages to this node that never
   * reached it (a broker restart or a reconnect dropped a pull's messages on the way; seen after
   * nats-server 2.9.10 was killed and restarted, a whole batch). The broker would redeliver them
   * only after their ack wait, while this node holds the later events of their origins; so the
   * consumer is created again at once, to deliver from where this node's messages stopped being
   * taken in order: what it has already taken comes again and is dropped as a duplicate.
   */
  private void recoverLostDeliveries() throws IOException, JetStreamApiException {
    ErrorSink.LOG.warn(
        "NATS bridge {}: {} messages the broker delivered to it did not arrive; re-creating its"
            + " consumer to deliver again from stream sequence {} instead of waiting {} for them",
        config.nodeId(),
        lostCount,
        lostFrom,
        Bridge.ACK_WAIT);
    unbind();
    consumerSetup.restartAt(lostFrom);
    lostDeliveryRecoveries.incrementAndGet();
    lostFrom = 0;
    lastDelivery = 0; // the new consumer numbers its deliveries from 1
  }

  /* Binds to the durable consumer, creating it again if it was deleted (by an operator, or a
   * broker that lost its store): consumption must never stop for good. */
  private JetStreamSubscription bind() throws IOException, JetStreamApiException {
    PullSubscribeOptions options = PullSubscribeOptions.bind(config.stream(), durable);
    try {
      return jetStream.subscribe(config.filterSubject(), options);
    } catch (RuntimeException | JetStreamApiException missing) { // jnats: IllegalArgumentException
      if (!consumerMissing()) {
        throw missing;
      }
      ErrorSink.LOG.warn(
          "NATS bridge {}: its durable consumer {} on stream {} is gone; creating it again, from"
              + " where this node stopped reading",
          config.nodeId(),
          durable,
          config.stream());
      consumerSetup.ensure(resumePosition());
      return jetStream.subscribe(config.filterSubject(), options);
    }
  }

  private boolean consumerMissing() throws IOException {
    try {
      management.getConsumerInfo(config.stream(), durable);
      return false;
    } catch (JetStreamApiException e) {
      return e.getApiErrorCode() == Bridge.CONSUMER_NOT_FOUND;
    }
  }

  private void onMessage(Message message) {
    if (message.isStatusMessage()) {
      return;
    }
    received.incrementAndGet();
    if (message.isJetStream()) {
      if (message.metaData().deliveredCount() > 1) {
        redelivered.incrementAndGet();
      }
      long delivery = message.metaData().consumerSequence();
      if (lastDelivery > 0 && delivery > lastDelivery + 1 && lostFrom == 0) {
        lostFrom = Math.max(1, resumePosition()); // before this message counts as taken
        lostCount = delivery - lastDelivery - 1;
      }
      lastDelivery = delivery; // lower after a broker restart on an older consumer state: fine
      lastStreamSequence = Math.max(lastStreamSequence, message.metaData().streamSequence());
      backlog = message.metaData().pendingCount();
    }
    Envelope envelope;
    try {
      envelope = codec.read(message.getData() == null ? new byte[0] : message.getData());
      if (!TOKEN.matcher(envelope.origin()).matches()) {
        throw new MalformedEnvelopeException("origin '" + envelope.origin() + "' is not a node id");
      }
    } catch (MalformedEnvelopeException e) {
      rejectPoison(message, e.getMessage());
      return;
    }
    if (envelope.origin().equals(config.nodeId())) {
      ownSkipped.incrementAndGet();
      message.ack();
      return;
    }
    // A type this node does not bridge (or a gap notice) still takes its place in the origin's
    // sequence: it is passed over in order, so that it never looks like a gap.
    Enum<?> type = config.constantNamed(envelope.event());
    OriginState state = stateOf(envelope);
    long seq = envelope.seq();
    if (seq < state.next && state.takeLate(seq)) {
      emitOutOfTurn(state, envelope, type, message);
      return;
    }
    if (seq < state.next) {
      duplicates.incrementAndGet();
      if (seq < state.delivered) {
        message.ack(); // already delivered here: the broker may forget it
      } // else its first copy is in flight; that copy's ack covers this one
      return;
    }
    if (seq > state.next) {
      if (state.held.putIfAbsent(seq, new Held(envelope, type, message)) != null) {
        duplicates.incrementAndGet();
      } else if (state.held.size() == 1) {
        state.heldSinceNanos = System.nanoTime();
      }
      return;
    }
    emit(state, envelope, type, message);
    emitHeld(state);
  }

  private OriginState stateOf(Envelope envelope) {
    String key = Marks.key(envelope.origin(), envelope.epoch());
    OriginState state = states.get(key);
    if (state == null) {
      Long mark = loadedMarks.remove(key);
      // A new incarnation starts at its first message seen here: this node's consumer was
      // created after earlier ones, or the broker already dropped them (see the README).
      state = new OriginState(envelope.origin(), envelope.epoch(), key, mark != null ? mark : envelope.seq());
      if (mark == null && envelope.floor() < envelope.seq()) {
        state.lateFrom = Math.max(envelope.floor(), envelope.seq() - OriginState.MAX_LATE);
        state.lateTo = envelope.seq();
      }
      states.put(key, state);
    }
    return state;
  }

  private void emit(OriginState state, Envelope envelope, @Nullable Enum<?> type, Message message) {
    if (type == null) {
      if (!envelope.event().equals(Outbox.GAP_NOTICE) && unknownTypes.incrementAndGet() == 1) {
        ErrorSink.LOG.info(
            "NATS bridge {}: passing over events of types it does not bridge, such as {} on {}",
            config.nodeId(),
            envelope.event(),
            message.getSubject());
      }
      state.next = envelope.seq() + 1;
      inFlight.addLast(new Delivery(message, null, state, envelope.seq(), true));
      return;
    }
    Map<String, @Nullable Object> params = new LinkedHashMap<>(envelope.params());
    params.put(BridgeConfig.ORIGIN_NODE, envelope.origin());
    Emission emission;
    try {
      emission =
          Relays.emitRemote(
              manager, type, params, envelope.timestamp(), envelope.eventDate(), envelope.eventTime());
    } catch (IllegalArgumentException badParameters) { // e.g. a parameter named event_date
      rejectPoison(message, badParameters.getMessage());
      state.next = envelope.seq() + 1;
      inFlight.addLast(new Delivery(message, null, state, envelope.seq(), false));
      return;
    }
    if (!emission.accepted()) {
      return; // the manager is shut down: left unacknowledged; the loop stops receiving
    }
    state.next = envelope.seq() + 1;
    inFlight.addLast(new Delivery(message, emission, state, envelope.seq(), true));
  }

  /* A late event from before this node met the origin: emitted now, next stays where it is. */
  private void emitOutOfTurn(
      OriginState state, Envelope envelope, @Nullable Enum<?> type, Message message) {
    long next = state.next;
    try {
      emit(state, envelope, type, message);
    } finally {
      state.next = next;
    }
  }

  private void emitHeld(OriginState state) {
    Iterator<Map.Entry<Long, Held>> it = state.held.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<Long, Held> first = it.next();
      if (first.getKey() != state.next) {
        if (first.getKey() < state.next) { // a late copy of something already emitted
          duplicates.incrementAndGet();
          it.remove();
          continue;
        }
        state.heldSinceNanos = System.nanoTime(); // a further gap: its own timeout
        return;
      }
      it.remove();
      Held held = first.getValue();
      emit(state, held.envelope(), held.type(), held.message());
    }
  }

  /*
   * The gap timeout runs only while this node has caught up with the stream: behind a backlog, the
   * missing event may simply not have been reached yet. Too many held messages end the wait
   * anyway, as they hold the consumer's ack-pending slots and could stop its deliveries.
   */
  private void skipExpiredGaps() {
    long now = System.nanoTime();
    int held = heldCount();
    if (backlog > 0 && held < Bridge.MAX_ACK_PENDING / 2) {
      for (OriginState state : states.values()) {
        if (!state.held.isEmpty()) {
          state.heldSinceNanos = now;
        }
      }
      return;
    }
    for (OriginState state : new ArrayList<>(states.values())) {
      if (!state.held.isEmpty() && now - state.heldSinceNanos > config.gapTimeout().toNanos()) {
        long first = state.held.firstKey();
        long missing = first - state.next;
        gapsSkipped.addAndGet(missing);
        errors.report(
            BridgeError.Kind.EVENTS_MISSING,
            "NATS bridge "
                + config.nodeId()
                + ": events "
                + state.next
                + ".."
                + (first - 1)
                + " of node "
                + state.origin
                + " (incarnation "
                + state.epoch
                + ") did not arrive within "
                + config.gapTimeout()
                + "; delivering the "
                + state.held.size()
                + " later ones without them (the origin may have crashed before the broker"
                + " stored them)",
            null);
        state.next = first;
        emitHeld(state);
      }
    }
  }

  /* Acks, in order, the messages whose callbacks ran, after storing the marks that cover them. */
  private void settle() {
    while (!inFlight.isEmpty()) {
      Delivery head = inFlight.peekFirst();
      if (head.emission() != null && !head.emission().isDone()) {
        break;
      }
      inFlight.removeFirst();
      if (head.emission() != null) {
        delivered.incrementAndGet();
      }
      if (head.ack()) {
        toAck.add(head.message());
      }
      head.state().delivered = Math.max(head.state().delivered, head.seq() + 1);
    }
    storeMarks();
    for (Message message : toAck) {
      message.ack();
    }
    toAck.clear();
  }

  /* Stores every state's mark and the resume position in one put, if anything changed. */
  private void storeMarks() {
    long resume = resumePosition();
    boolean dirty = resume != storedResume;
    for (OriginState state : states.values()) {
      dirty |= state.markDirty();
    }
    if (!dirty) {
      return;
    }
    Map<String, Long> snapshot = new LinkedHashMap<>(loadedMarks); // origins not seen yet
    for (OriginState state : states.values()) {
      snapshot.put(state.markKey, state.delivered);
    }
    if (resume > 0) {
      snapshot.put(Marks.RESUME, resume);
    }
    try {
      marks.store(snapshot);
      for (OriginState state : states.values()) {
        state.storedMark = snapshot.getOrDefault(state.markKey, state.storedMark);
      }
      storedResume = resume;
    } catch (IOException | JetStreamApiException | RuntimeException e) {
      errors.report(
          BridgeError.Kind.MARKS_FAILED,
          "NATS bridge "
              + config.nodeId()
              + ": storing its deduplication marks failed; retrying with the next batch",
          e);
    }
  }

  /* The stream sequence from which a re-created consumer must deliver: the oldest message this
   * node took and has not acknowledged, else the one after the last it took. */
  long resumePosition() {
    long oldest = Long.MAX_VALUE;
    Delivery head = inFlight.peekFirst();
    if (head != null) {
      oldest = streamSequence(head.message());
    }
    for (OriginState state : states.values()) {
      for (Held held : state.held.values()) {
        oldest = Math.min(oldest, streamSequence(held.message()));
      }
    }
    if (oldest != Long.MAX_VALUE) {
      return oldest;
    }
    return lastStreamSequence > 0 ? lastStreamSequence + 1 : initialResume;
  }

  private static long streamSequence(Message message) {
    return message.isJetStream() ? message.metaData().streamSequence() : 0;
  }

  private void waitWhileTooManyInFlight() throws InterruptedException {
    while (inFlight.size() >= MAX_IN_FLIGHT && !closing) {
      Delivery head = inFlight.peekFirst();
      if (head != null && head.emission() != null) {
        boolean unused = head.emission().await(Duration.ofMillis(100)); // settle() acks what ran
      }
      settle();
    }
  }

  /* A silent subscription while the consumer reports waiting messages is re-bound. */
  private void watchdog() throws IOException, JetStreamApiException {
    if (System.nanoTime() - silentSince < WATCHDOG_NANOS) {
      return;
    }
    silentSince = System.nanoTime();
    ConsumerInfo info = management.getConsumerInfo(config.stream(), durable);
    if (info.getNumPending() > 0) {
      ErrorSink.LOG.warn(
          "NATS bridge {}: no message for {} s although {} wait in the consumer; re-binding",
          config.nodeId(),
          TimeUnit.NANOSECONDS.toSeconds(WATCHDOG_NANOS),
          info.getNumPending());
      unbind();
    }
  }

  private void rejectPoison(Message message, @Nullable String reason) {
    poison.incrementAndGet();
    errors.report(
        BridgeError.Kind.POISON_MESSAGE,
        "NATS bridge "
            + config.nodeId()
            + ": dropping a message on "
            + message.getSubject()
            + " that is not a readable event: "
            + reason,
        null);
    message.term();
  }

  private void unbind() {
    JetStreamSubscription sub = subscription;
    subscription = null;
    if (sub != null) {
      try {
        sub.unsubscribe();
      } catch (RuntimeException ignored) { // the connection may be down: nothing to release
        ErrorSink.LOG.debug("unsubscribe failed", ignored);
      }
    }
  }

  private static void pauseQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ------------------------------------------------------------------ closing

  /* Stops taking messages, acks what was delivered within the timeout; true if all settled. */
  boolean close(Duration timeout) throws InterruptedException {
    closeDeadline = System.nanoTime() + timeout.toNanos();
    closing = true; // the loop ends after its current fetch (at most FETCH_WAIT), then drains
    receiver.join(Math.max(1, timeout.toMillis()) + FETCH_WAIT.toMillis());
    if (receiver.isAlive()) {
      receiver.interrupt(); // a callback of ours is stuck in the manager: stop waiting for it
      receiver.join(1_000);
      return false;
    }
    return drained;
  }

  /* On the receiver thread, as it stops: waits (bounded) for the callbacks of what was emitted. */
  private void drain() {
    try {
      while (!inFlight.isEmpty() && System.nanoTime() - closeDeadline < 0) {
        Delivery head = inFlight.peekFirst();
        if (head.emission() != null) {
          boolean unused = head.emission().await(Duration.ofMillis(50));
        }
        settle();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    settle();
    unbind();
    drained = inFlight.isEmpty();
  }

  private int heldCount() {
    int held = 0;
    for (OriginState state : states.values()) {
      held += state.held.size();
    }
    heldGauge = held;
    return held;
  }

  long heldGauge() {
    return heldGauge;
  }

  long backlogGauge() {
    return backlog;
  }

  long inFlight() {
    return inFlight.size();
  }

  @Override
  public String toString() {
    return "NatsEventBridge(" + config.nodeId() + ") inbox on " + connection.getConnectedUrl();
  }
}
