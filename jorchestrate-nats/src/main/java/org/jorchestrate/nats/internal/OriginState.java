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
  /*
   * When this node met the incarnation first at seq s, events from the origin's floor up to s
   * may still come (retries overtaken by s): each is delivered once when it does (out of order:
   * it was reordered before this node knew the origin), tracked here. Bounded to MAX_LATE.
   */
  static final int MAX_LATE = 4_096;
  long lateFrom;
  long lateTo;
  final java.util.BitSet lateSeen = new java.util.BitSet();
  long heldSinceNanos;

  OriginState(String origin, long epoch, String markKey, long delivered) {
    this.origin = origin;
    this.epoch = epoch;
    this.markKey = markKey;
    this.delivered = delivered;
    this.next = delivered;
    this.storedMark = delivered;
  }

  /* True once per late seq in [lateFrom, lateTo): it is to be delivered. */
  boolean takeLate(long seq) {
    if (seq < lateFrom || seq >= lateTo) {
      return false;
    }
    int bit = (int) (seq - lateFrom);
    if (lateSeen.get(bit)) {
      return false;
    }
    lateSeen.set(bit);
    return true;
  }

  boolean markDirty() {
    return delivered != storedMark;
  }
}
