package org.jorchestrate.nats.internal;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueManagement;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.StorageType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/*
 * A node's receiving state, kept in a JetStream key-value bucket so that it survives a restart of
 * the node: one key per node (its id), whose value lists "<origin>.<epoch>=<delivered>" lines (the
 * `delivered` mark of each OriginState the node holds) and "resume=<stream seq>" (where to resume
 * if its durable consumer has to be created again). Keys expire after a week without update.
 *
 * One key read with get(), never a key listing: listing creates an ephemeral consumer, and
 * nats-server 2.9.10 restarted (after a crash) while such a consumer existed answered no
 * JetStream API request for more than 10 s (seen in BrokerOutageTest).
 */
final class Marks {

  static final Duration TTL = Duration.ofDays(7);
  static final String RESUME = "resume";

  private final KeyValue bucket;
  private final String nodeId;

  Marks(Connection connection, String bucketName, String nodeId)
      throws IOException, JetStreamApiException {
    KeyValueManagement management = connection.keyValueManagement();
    if (!management.getBucketNames().contains(bucketName)) {
      try {
        management.create(
            KeyValueConfiguration.builder()
                .name(bucketName)
                .storageType(StorageType.File)
                .maxHistoryPerKey(1)
                .ttl(TTL)
                .build());
      } catch (JetStreamApiException raced) {
        if (!management.getBucketNames().contains(bucketName)) {
          throw raced;
        }
      }
    }
    this.bucket = connection.keyValue(bucketName);
    this.nodeId = nodeId;
  }

  static String key(String origin, long epoch) {
    return origin + "." + epoch;
  }

  /* What this node stored: "<origin>.<epoch>" -> delivered, and RESUME -> stream sequence. */
  Map<String, Long> load() throws IOException, JetStreamApiException {
    Map<String, Long> marks = new LinkedHashMap<>();
    KeyValueEntry entry = bucket.get(nodeId);
    if (entry == null || entry.getValue() == null) {
      return marks;
    }
    for (String line : new String(entry.getValue(), StandardCharsets.US_ASCII).lines().toList()) {
      int eq = line.lastIndexOf('=');
      if (eq <= 0) {
        continue;
      }
      try {
        marks.put(line.substring(0, eq), Long.parseLong(line.substring(eq + 1)));
      } catch (NumberFormatException corrupt) {
        ErrorSink.LOG.warn("ignoring the unreadable deduplication mark '{}' of {}", line, nodeId);
      }
    }
    return marks;
  }

  void store(Map<String, Long> marks) throws IOException, JetStreamApiException {
    StringBuilder value = new StringBuilder(marks.size() * 48);
    for (Map.Entry<String, Long> mark : marks.entrySet()) {
      value.append(mark.getKey()).append('=').append(mark.getValue()).append('\n');
    }
    bucket.put(nodeId, value.toString().getBytes(StandardCharsets.US_ASCII));
  }
}
