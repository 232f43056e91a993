package org.jorchestrate.nats.internal;

import java.time.Instant;

/* A local emission accepted for sending, with its parameters already encoded at emit time. */
record OutgoingEvent(
    String subject,
    String eventName,
    Instant timestamp,
    String eventDate,
    String eventTime,
    JsonPayload.Encoded payload) {}
