/**
 * Events across processes: {@link org.jorchestrate.nats.NatsEventBridge} publishes a manager's
 * local emissions to NATS JetStream and re-emits other nodes' events locally, exactly once at the
 * callbacks.
 */
@NullMarked
package org.jorchestrate.nats;

import org.jspecify.annotations.NullMarked;
