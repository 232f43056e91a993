package org.jorchestrate.nats;

/**
 * A snapshot of a bridge's counters since it was built. Each counter is read separately, so the
 * snapshot is not atomic across counters while the bridge runs.
 *
 * @param published local events the broker confirmed it stored
 * @param pending local events accepted for sending and not yet confirmed
 * @param overflowed local events not sent because the outgoing buffer was full (or the bridge was
 *     closing)
 * @param refused local events the broker refused for good (see {@link
 *     BridgeError.Kind#PUBLISH_REFUSED}), not sent
 * @param publishFailures publish attempts that failed and were retried
 * @param received messages taken from the broker, all origins, this node's own included
 * @param delivered remote events whose local callbacks have run
 * @param duplicatesDropped messages dropped because their event was already delivered here
 * @param redelivered messages the broker delivered more than once (a sign of broker restarts or
 *     slow acknowledgements; the duplicates among them are dropped)
 * @param ownSkipped messages that were this node's own events, skipped
 * @param poison messages that could not be decoded, dropped
 * @param gapsSkipped events of other nodes given up on after the gap timeout
 * @param lostDeliveryRecoveries times this node created its consumer again at once because
 *     messages the broker had delivered to it never arrived (its delivery sequence jumped, as after
 *     some broker restarts), instead of waiting for their redelivery after the ack wait (20 s)
 * @param held events of other nodes that arrived ahead of a missing one and wait for it
 * @param backlog messages the broker still had for this node, as of the last one it sent
 */
public record BridgeStatistics(
    long published,
    long pending,
    long overflowed,
    long refused,
    long publishFailures,
    long received,
    long delivered,
    long duplicatesDropped,
    long redelivered,
    long ownSkipped,
    long poison,
    long gapsSkipped,
    long lostDeliveryRecoveries,
    long held,
    long backlog) {}
