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
import java.util.HashMap;
import java.util.Map;

/*
 * The receivers' deduplication marks, kept in a JetStream key-value bucket so that they survive a
 * restart of the node: key "<node>.<origin>.<epoch>", value the decimal `delivered` mark of
 * OriginState. Keys expire after a week without update.
 */
final class Marks {

  static final Duration TTL = Duration.ofDays(7);

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

  static String key(String nodeId, String origin, long epoch) {
    return nodeId + "." + origin + "." + epoch;
  }

  /* The marks this node stored: key -> delivered. */
  Map<String, Long> load() throws IOException, JetStreamApiException, InterruptedException {
    Map<String, Long> marks = new HashMap<>();
    for (String key : bucket.keys(nodeId + ".>")) {
      KeyValueEntry entry = bucket.get(key);
      if (entry != null && entry.getValue() != null) {
        try {
          marks.put(key, Long.parseLong(new String(entry.getValue(), StandardCharsets.US_ASCII)));
        } catch (NumberFormatException corrupt) {
          ErrorSink.LOG.warn("ignoring the unreadable deduplication mark {}", key);
        }
      }
    }
    return marks;
  }

  void store(String key, long delivered) throws IOException, JetStreamApiException {
    bucket.put(key, Long.toString(delivered).getBytes(StandardCharsets.US_ASCII));
  }
}
