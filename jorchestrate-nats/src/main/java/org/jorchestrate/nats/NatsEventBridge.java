package org.jorchestrate.nats;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jorchestrate.events.Event;
import org.jorchestrate.events.EventManager;
import org.jorchestrate.nats.internal.Bridge;
import org.jorchestrate.nats.internal.BridgeConfig;
import org.jspecify.annotations.Nullable;

/**
 * Carries the events of chosen enum types between processes over NATS JetStream: the local
 * emissions of those types are published, and the events other nodes published are re-emitted on
 * the local {@link EventManager}, so callbacks neither know nor care where an event came from.
 *
 * <pre>{@code
 * NatsEventBridge bridge = NatsEventBridge.builder()
 *     .eventManager(manager)           // the local EventManager
 *     .connection(natsConnection)      // an io.nats.client.Connection you configured (auth, TLS...)
 *     .stream("JORCH")                 // JetStream stream; created (file storage) if missing
 *     .subjectPrefix("jorch")          // subjects: <prefix>.<EnumSimpleName>.<CONSTANT>
 *     .nodeId("node-a")                // unique per process; default: a random id
 *     .events(MyEvents.class)          // which enum types travel (one or more)
 *     .build();                        // starts forwarding and consuming
 * bridge.close();                      // flushes every event accepted for sending, then stops
 * }</pre>
 *
 * <h2>Delivery</h2>
 *
 * <ul>
 *   <li><b>Exactly once at the callbacks, at least once on the wire.</b> Each event carries its
 *       origin node, the origin's incarnation and a gap-free sequence number, also sent as the
 *       {@code Nats-Msg-Id} header so that the broker's duplicate window drops publish retries.
 *       Each node reads through its own durable consumer (named after its node id), drops what it
 *       already delivered, and acknowledges a message only after its local callbacks ran. Which
 *       duplicates a crash of the receiving process can still cause is stated in the README.
 *   <li><b>Order.</b> Events from one origin reach the callbacks in the order the origin's bridge
 *       took them (per emitting thread, the emission order). An event that arrives ahead of a
 *       missing one is held until the missing one arrives, or until the gap timeout (default 60
 *       s), after which it is delivered and the gap is reported as {@link
 *       BridgeError.Kind#EVENTS_MISSING}.
 *   <li><b>A node's own events</b> are delivered locally by its manager, as any emission, and
 *       never again from the broker.
 *   <li><b>Broker unreachable.</b> Outgoing events wait in a bounded buffer ({@link
 *       Builder#outboxCapacity}) and are sent in order once the broker is back; an event that
 *       finds the buffer full is still delivered locally but not sent, counted in {@link
 *       BridgeStatistics#overflowed()}, logged and reported. Consumption resumes by itself.
 *   <li><b>Errors</b> the bridge meets (failed publishes, with what the server said, poison
 *       messages, gaps, lost broker connection) are logged and handed to the {@link
 *       BridgeErrorHandler}; none stops the bridge.
 * </ul>
 *
 * <h2>Remote events</h2>
 *
 * A remote event keeps its origin's {@link Event#timestamp()}, {@code event_date} and {@code
 * event_time}, and its parameters, plus {@value #ORIGIN_NODE}: the node id of its origin
 * (declare it as a callback parameter, or use {@link #originOf(Event)}). Local events never carry
 * {@value #ORIGIN_NODE}; emitting a bridged event with that parameter fails.
 *
 * <h2>Payloads</h2>
 *
 * Parameters of bridged events must be JSON values: {@code String}, numbers, booleans, {@code
 * null}, lists and {@code String}-keyed maps of them, and {@code java.time} values, which travel
 * as their ISO-8601 strings. Anything else makes {@code emit} throw an {@link
 * IllegalArgumentException} naming the parameter, and nothing is delivered or sent. A receiver
 * rebuilds a top-level {@code int}, {@code short}, {@code byte}, {@code float}, {@code BigInteger}
 * or {@code BigDecimal} as that type; any other integral number arrives as a {@code Long} (a
 * {@code BigInteger} beyond its range), any other fractional number as a {@code Double}, lists
 * and maps as unmodifiable {@code List}s and {@code Map}s. The message body is UTF-8 JSON:
 *
 * <pre>{@code
 * {"v":1, "origin":"node-a", "epoch":812736451, "seq":42, "event":"MyEvents.TASK_STARTED",
 *  "timestamp":"2026-11-25T10:15:30.123456Z", "event_date":"2026-11-25",
 *  "event_time":"11:15:30.123456", "params":{"task_name":"ingest", "attempt":1},
 *  "types":{"attempt":"int"}}
 * }</pre>
 *
 * {@code types} is optional; other members are ignored by readers. A message that is not such an
 * envelope, or larger than {@link Builder#maxMessageBytes}, is logged, reported as {@link
 * BridgeError.Kind#POISON_MESSAGE} and terminated (the broker does not redeliver it).
 *
 * <h2>Threads and lifecycle</h2>
 *
 * A bridge runs two daemon threads, {@code jorchestrate-nats-<node>-sender} and {@code
 * -receiver}. {@link #close()} stops relaying, waits up to the close timeout for the broker to
 * confirm every event accepted for sending, stops receiving once the callbacks of what it took
 * have run, and logs what it gave up on. Close the bridge before shutting the manager down; the
 * connection stays the caller's to close. A manager has at most one bridge. All methods are
 * thread-safe.
 */
public final class NatsEventBridge implements AutoCloseable {

  /** The parameter that names the origin node of an event that came from another process. */
  public static final String ORIGIN_NODE = BridgeConfig.ORIGIN_NODE;

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,128}");
  private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*");

  private final Bridge bridge;
  private final String nodeId;

  private NatsEventBridge(Bridge bridge, String nodeId) {
    this.bridge = bridge;
    this.nodeId = nodeId;
  }

  /**
   * Returns a builder.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the node that emitted an event, if it came through a bridge.
   *
   * @param event an event as a callback received it
   * @return the origin node id, or null for an event emitted in this process
   */
  public static @Nullable String originOf(Event event) {
    return event.get(ORIGIN_NODE) instanceof String origin ? origin : null;
  }

  /**
   * Returns this node's id, the one its events carry as their origin.
   *
   * @return the node id
   */
  public String nodeId() {
    return nodeId;
  }

  /**
   * Returns the bridge's counters.
   *
   * @return a snapshot
   */
  public BridgeStatistics statistics() {
    return bridge.statistics();
  }

  /**
   * Stops the bridge: see "Threads and lifecycle" above. Bounded by the close timeout; idempotent.
   */
  @Override
  public void close() {
    bridge.close();
  }

  @Override
  public String toString() {
    return "NatsEventBridge(" + nodeId + ")";
  }

  /** Configures and starts a {@link NatsEventBridge}. Not thread-safe; build once. */
  public static final class Builder {

    private @Nullable EventManager manager;
    private @Nullable Connection connection;
    private String stream = "JORCH";
    private String subjectPrefix = "jorch";
    private @Nullable String nodeId;
    private final List<Class<? extends Enum<?>>> events = new ArrayList<>();
    private int outboxCapacity = 65_536;
    private Duration publishTimeout = Duration.ofSeconds(5);
    private Duration gapTimeout = Duration.ofSeconds(60);
    private Duration closeTimeout = Duration.ofSeconds(30);
    private int maxMessageBytes = 1 << 20;
    private Duration streamMaxAge = Duration.ofDays(1);
    private @Nullable BridgeErrorHandler errorHandler;

    private Builder() {}

    /**
     * Sets the local manager whose emissions are sent and on which remote events are emitted.
     *
     * @param manager a running manager; required
     * @return this builder
     */
    public Builder eventManager(EventManager manager) {
      this.manager = Objects.requireNonNull(manager, "manager");
      return this;
    }

    /**
     * Sets the NATS connection, configured by the caller (servers, authentication, TLS,
     * reconnection). The bridge never closes it.
     *
     * @param connection a connected connection; required
     * @return this builder
     */
    public Builder connection(Connection connection) {
      this.connection = Objects.requireNonNull(connection, "connection");
      return this;
    }

    /**
     * Sets the JetStream stream; created with file storage if missing. Default {@code JORCH}.
     *
     * @param stream letters, digits, '-' and '_'
     * @return this builder
     */
    public Builder stream(String stream) {
      this.stream = checkName(stream, "stream");
      return this;
    }

    /**
     * Sets the first subject token(s): events travel on {@code
     * <prefix>.<EnumSimpleName>.<CONSTANT>}. Default {@code jorch}.
     *
     * @param prefix dot-separated tokens of letters, digits, '-' and '_'
     * @return this builder
     */
    public Builder subjectPrefix(String prefix) {
      Objects.requireNonNull(prefix, "prefix");
      if (!PREFIX.matcher(prefix).matches()) {
        throw new IllegalArgumentException(
            "subjectPrefix '"
                + prefix
                + "' is not a subject prefix: use dot-separated tokens of letters, digits, '-'"
                + " and '_', without wildcards");
      }
      this.subjectPrefix = prefix;
      return this;
    }

    /**
     * Sets this node's id: unique per process, stable across its restarts (its durable consumer
     * and deduplication marks are named after it). Default: a random id, which means a restarted
     * process starts afresh and receives only events published after it started.
     *
     * @param nodeId letters, digits, '-' and '_', at most 128
     * @return this builder
     */
    public Builder nodeId(String nodeId) {
      this.nodeId = checkName(nodeId, "nodeId");
      return this;
    }

    /**
     * Adds enum types whose events travel. Every bridge exchanging them must list them, with the
     * same simple names and constants.
     *
     * @param types one or more enum classes
     * @return this builder
     */
    @SafeVarargs
    public final Builder events(Class<? extends Enum<?>>... types) {
      for (Class<? extends Enum<?>> type : types) {
        Objects.requireNonNull(type, "an event type is null");
        if (!type.isEnum()) {
          throw new IllegalArgumentException(type.getName() + " is not an enum");
        }
        events.add(type);
      }
      return this;
    }

    /**
     * Sets how many outgoing events may wait for the broker (rounded up to a power of two).
     * Default 65,536.
     *
     * @param capacity at least 1
     * @return this builder
     */
    public Builder outboxCapacity(int capacity) {
      if (capacity < 1 || capacity > (1 << 28)) {
        throw new IllegalArgumentException(
            "outboxCapacity must be between 1 and 2^28, not " + capacity);
      }
      this.outboxCapacity = capacity;
      return this;
    }

    /**
     * Sets how long a publish waits for the broker's confirmation before it is retried. Default
     * 5 s.
     *
     * @param timeout positive
     * @return this builder
     */
    public Builder publishTimeout(Duration timeout) {
      this.publishTimeout = positive(timeout, "publishTimeout");
      return this;
    }

    /**
     * Sets how long a receiver holds events of an origin that arrived after a gap, waiting for the
     * missing ones, before it delivers them without. Default 60 s; keep it above the consumer's ack
     * wait (20 s), after which the broker redelivers a message lost on its way.
     *
     * @param timeout positive
     * @return this builder
     */
    public Builder gapTimeout(Duration timeout) {
      this.gapTimeout = positive(timeout, "gapTimeout");
      return this;
    }

    /**
     * Sets how long {@link NatsEventBridge#close()} waits for unsent events, and for the
     * callbacks of received ones. Default 30 s.
     *
     * @param timeout positive
     * @return this builder
     */
    public Builder closeTimeout(Duration timeout) {
      this.closeTimeout = positive(timeout, "closeTimeout");
      return this;
    }

    /**
     * Sets the largest message a receiver decodes; larger ones are dropped as poison. Default 1
     * MiB.
     *
     * @param bytes at least 256
     * @return this builder
     */
    public Builder maxMessageBytes(int bytes) {
      if (bytes < 256) {
        throw new IllegalArgumentException("maxMessageBytes must be at least 256, not " + bytes);
      }
      this.maxMessageBytes = bytes;
      return this;
    }

    /**
     * Sets the maximum age of messages in a stream the bridge creates (an existing stream keeps
     * its own settings). Default 1 day.
     *
     * @param maxAge positive
     * @return this builder
     */
    public Builder streamMaxAge(Duration maxAge) {
      this.streamMaxAge = positive(maxAge, "streamMaxAge");
      return this;
    }

    /**
     * Sets who is told of errors besides the log.
     *
     * @param handler called on the bridge's threads (or the emitting thread for {@link
     *     BridgeError.Kind#OUTBOX_OVERFLOW})
     * @return this builder
     */
    public Builder errorHandler(BridgeErrorHandler handler) {
      this.errorHandler = Objects.requireNonNull(handler, "handler");
      return this;
    }

    /**
     * Sets up the stream, the node's durable consumer and its deduplication marks, then starts
     * sending and receiving.
     *
     * @return the running bridge
     * @throws IllegalStateException if a required setting is missing, the connection is not
     *     connected, the manager is shut down or already bridged, or the broker refuses the set-up
     *     (the message says why, e.g. JetStream disabled or permissions)
     * @throws UncheckedIOException if the broker cannot be reached
     */
    public NatsEventBridge build() {
      EventManager m = manager;
      Connection c = connection;
      if (m == null || c == null || events.isEmpty()) {
        throw new IllegalStateException(
            "NatsEventBridge.builder() needs eventManager(...), connection(...) and events(...)"
                + " before build()");
      }
      if (m.isShutdown()) {
        throw new IllegalStateException("the EventManager is shut down; bridge a running one");
      }
      if (c.getStatus() != Connection.Status.CONNECTED) {
        throw new IllegalStateException(
            "the NATS connection is "
                + c.getStatus()
                + (c.getLastError() == null ? "" : " (last error: " + c.getLastError() + ")")
                + "; hand the bridge a connected connection");
      }
      Map<String, Class<?>> simpleNames = new HashMap<>();
      for (Class<? extends Enum<?>> type : events) {
        Class<?> other = simpleNames.put(type.getSimpleName(), type);
        if (other != null && other != type) {
          throw new IllegalStateException(
              "the event types "
                  + other.getName()
                  + " and "
                  + type.getName()
                  + " share the simple name "
                  + type.getSimpleName()
                  + ", which names them on the wire; bridge only one, or rename one");
        }
      }
      SecureRandom random = new SecureRandom();
      String id = nodeId != null ? nodeId : "node-" + Long.toHexString(random.nextLong() >>> 1);
      long epoch = random.nextLong() >>> 1;
      BridgeConfig config =
          new BridgeConfig(
              id,
              epoch,
              stream,
              subjectPrefix,
              List.copyOf(new java.util.LinkedHashSet<>(events)),
              outboxCapacity,
              publishTimeout,
              gapTimeout,
              closeTimeout,
              maxMessageBytes,
              streamMaxAge);
      try {
        return new NatsEventBridge(new Bridge(config, m, c, errorHandler), id);
      } catch (IOException e) {
        throw new UncheckedIOException(
            "NATS bridge " + id + ": the broker could not be reached: " + e.getMessage(), e);
      } catch (JetStreamApiException e) {
        throw new IllegalStateException(
            "NATS bridge "
                + id
                + ": the broker refused to set up stream "
                + stream
                + " or consumer "
                + id
                + ": "
                + e.getMessage()
                + " (is JetStream enabled, and may this user manage streams?)",
            e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while setting up the NATS bridge", e);
      }
    }

    private static String checkName(String value, String what) {
      Objects.requireNonNull(value, what);
      if (!NAME.matcher(value).matches()) {
        throw new IllegalArgumentException(
            what
                + " '"
                + value
                + "' is not valid: use 1 to 128 letters, digits, '-' and '_'");
      }
      return value;
    }

    private static Duration positive(Duration value, String what) {
      Objects.requireNonNull(value, what);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(what + " must be positive, not " + value);
      }
      return value;
    }
  }
}
