package org.jorchestrate.nats.internal;

import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/*
 * One event as it travels: who emitted it (origin node, its incarnation `epoch`, and the gap-free
 * sequence number the origin's sender gave it, and `floor`, its oldest event not yet confirmed
 * stored when this one was sent), what it is ("EnumSimpleName.CONSTANT"), when, and
 * its parameters. The JSON form is documented in NatsEventBridge.
 */
record Envelope(
    String origin,
    long epoch,
    long seq,
    String event,
    Instant timestamp,
    String eventDate,
    String eventTime,
    Map<String, @Nullable Object> params,
    long floor) {

  /** The Nats-Msg-Id of this event: unique per origin incarnation and sequence. */
  String messageId() {
    return messageId(origin, epoch, seq);
  }

  static String messageId(String origin, long epoch, long seq) {
    return origin + "-" + epoch + "-" + seq;
  }
}
