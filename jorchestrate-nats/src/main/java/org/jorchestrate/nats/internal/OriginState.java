package org.jorchestrate.nats.internal;

import java.util.TreeMap;

/*
 * What one receiver knows of one origin incarnation (origin node, epoch), touched only by the
 * receiver thread:
 *
 *   delivered  every seq below it had its local callbacks run (or was given up on): the mark that
 *              is stored in the key-value bucket (Marks) and survives a restart of this node;
 *   next       every seq below it was emitted locally (delivered or in flight): a message below
 *              `next` is a duplicate;
 *   held       messages that arrived ahead of `next` (the origin retried an earlier one after a
 *              broker failure), emitted as soon as the gap fills, or after the gap timeout.
 */
final class OriginState {

  final String origin;
  final long epoch;
  final String markKey;
  long delivered;
  long next;
  long storedMark;
  final TreeMap<Long, Inbox.Held> held = new TreeMap<>();
  long heldSinceNanos;

  OriginState(String origin, long epoch, String markKey, long delivered) {
    this.origin = origin;
    this.epoch = epoch;
    this.markKey = markKey;
    this.delivered = delivered;
    this.next = delivered;
    this.storedMark = delivered;
  }

  boolean markDirty() {
    return delivered != storedMark;
  }
}
