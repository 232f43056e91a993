package org.jorchestrate.nats;

import org.jspecify.annotations.Nullable;

/**
 * Something the bridge could not do, as reported to a {@link BridgeErrorHandler}. Every error is
 * also logged through SLF4J (logger {@code org.jorchestrate.nats.NatsEventBridge}).
 *
 * @param kind what went wrong
 * @param message a description naming what was affected (event, origin, counts)
 * @param cause the exception behind it, if any
 */
public record BridgeError(Kind kind, String message, @Nullable Throwable cause) {

  /** The kinds of error a bridge reports. */
  public enum Kind {
    /**
     * A publish failed (broker unreachable, timeout, refused, for instance by subject
     * permissions); the event stays buffered and is retried in order.
     */
    PUBLISH_FAILED,
    /**
     * The broker refused an event for good (larger than its payload limit, denied by subject
     * permissions, a stream that does not take its subject): it is not sent (counted in {@code
     * refused}); receivers are told to move past it.
     */
    PUBLISH_REFUSED,
    /** The outgoing buffer was full: the event was not sent (counted in {@code overflowed}). */
    OUTBOX_OVERFLOW,
    /** A received message could not be decoded, or was too large: it is dropped as poison. */
    POISON_MESSAGE,
    /**
     * Events of one origin never arrived within the gap timeout: later ones were delivered
     * without them (counted in {@code gapsSkipped}).
     */
    EVENTS_MISSING,
    /** Consuming from the broker failed; the bridge retries by itself. */
    CONSUME_FAILED,
    /** Storing or loading the deduplication marks failed; it is retried. */
    MARKS_FAILED,
    /** {@code close()} gave up on events it could not send within its timeout. */
    CLOSE_ABANDONED
  }
}
