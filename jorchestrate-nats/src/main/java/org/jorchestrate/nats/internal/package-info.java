/** The bridge's machinery: envelope codec, outbox, inbox and deduplication. Not exported. */
@NullMarked
package org.jorchestrate.nats.internal;

import org.jspecify.annotations.NullMarked;
