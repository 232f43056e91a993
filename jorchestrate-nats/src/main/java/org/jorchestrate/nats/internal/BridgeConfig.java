package org.jorchestrate.nats.internal;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/*
 * The validated settings of one bridge, and the name tables of its event types, built once:
 * constant -> subject and "Enum.CONSTANT" name (no string building per emission), and name ->
 * constant for received events (only the configured enums: no class name is read from the wire).
 */
public final class BridgeConfig {

  /** The parameter that carries the origin node of a remote event. */
  public static final String ORIGIN_NODE = "origin_node";

  private final String nodeId;
  private final long epoch;
  private final String stream;
  private final String subjectPrefix;
  private final int outboxCapacity;
  private final Duration publishTimeout;
  private final Duration gapTimeout;
  private final Duration closeTimeout;
  private final int maxMessageBytes;
  private final Duration streamMaxAge;
  private final Set<Class<?>> types = new HashSet<>();
  private final Map<Enum<?>, String> subjects = new HashMap<>();
  private final Map<Enum<?>, String> names = new HashMap<>();
  private final Map<String, Enum<?>> byName = new HashMap<>();

  /**
   * Builds the settings; the caller (NatsEventBridge.Builder) has validated every value.
   *
   * @param nodeId this node's id
   * @param epoch this incarnation's id
   * @param stream the JetStream stream
   * @param subjectPrefix the first subject token
   * @param eventTypes the bridged enums
   * @param outboxCapacity outgoing buffer capacity
   * @param publishTimeout how long a publish may wait for the broker's acknowledgement
   * @param gapTimeout how long a receiver waits for a missing event of an origin
   * @param closeTimeout how long close() waits to send what was accepted
   * @param maxMessageBytes the largest message read
   * @param streamMaxAge the max age of a stream the bridge creates
   */
  public BridgeConfig(
      String nodeId,
      long epoch,
      String stream,
      String subjectPrefix,
      List<Class<? extends Enum<?>>> eventTypes,
      int outboxCapacity,
      Duration publishTimeout,
      Duration gapTimeout,
      Duration closeTimeout,
      int maxMessageBytes,
      Duration streamMaxAge) {
    this.nodeId = nodeId;
    this.epoch = epoch;
    this.stream = stream;
    this.subjectPrefix = subjectPrefix;
    this.outboxCapacity = outboxCapacity;
    this.publishTimeout = publishTimeout;
    this.gapTimeout = gapTimeout;
    this.closeTimeout = closeTimeout;
    this.maxMessageBytes = maxMessageBytes;
    this.streamMaxAge = streamMaxAge;
    for (Class<? extends Enum<?>> type : eventTypes) {
      types.add(type);
      for (Enum<?> constant : type.getEnumConstants()) {
        String name = type.getSimpleName() + "." + constant.name();
        subjects.put(constant, subjectPrefix + "." + name);
        names.put(constant, name);
        byName.put(name, constant);
      }
    }
  }

  public String nodeId() {
    return nodeId;
  }

  public long epoch() {
    return epoch;
  }

  public String stream() {
    return stream;
  }

  public String subjectPrefix() {
    return subjectPrefix;
  }

  int outboxCapacity() {
    return outboxCapacity;
  }

  Duration publishTimeout() {
    return publishTimeout;
  }

  Duration gapTimeout() {
    return gapTimeout;
  }

  public Duration closeTimeout() {
    return closeTimeout;
  }

  int maxMessageBytes() {
    return maxMessageBytes;
  }

  Duration streamMaxAge() {
    return streamMaxAge;
  }

  boolean bridges(Enum<?> type) {
    return types.contains(type.getDeclaringClass());
  }

  String subjectOf(Enum<?> type) {
    String subject = subjects.get(type);
    if (subject == null) {
      throw new IllegalArgumentException(type + " is not bridged");
    }
    return subject;
  }

  String nameOf(Enum<?> type) {
    String name = names.get(type);
    if (name == null) {
      throw new IllegalArgumentException(type + " is not bridged");
    }
    return name;
  }

  @Nullable Enum<?> constantNamed(String name) {
    return byName.get(name);
  }

  String filterSubject() {
    return subjectPrefix + ".>";
  }
}
