package org.jorchestrate.events.internal;

import org.jspecify.annotations.Nullable;

/*
 * The fields of a Mailbox, laid out so that the emitters' and the drain's hot fields sit on
 * different cache lines. The drain wrote its delivery counter on the line that every emit read
 * `status` and `producerLimit` from: with ten subscriptions that false sharing halved throughput
 * (measured with the bench module's harness: 19 M -> 36 M deliveries per second without the
 * write). HotSpot lays out a superclass's fields before its subclass's, so the Pad classes, which
 * hold nothing but 128 bytes of padding (two lines, against adjacent-line prefetch), separate
 * three groups:
 *
 *   MailboxEmitterFields  read by every emit, written rarely (activation, the cached limit)
 *   MailboxDrainFields    written by the drain on every event
 *   MailboxFields         cold: the Mailbox's own fields, set once
 *
 * MailboxPadTest checks that the Pad classes declare nothing else.
 */
abstract class MailboxPad0 {
  long a00, a01, a02, a03, a04, a05, a06, a07, a08, a09, a10, a11, a12, a13, a14, a15;
}

/* Read by every emit; written by emitters on activation and about once per capacity events. */
abstract class MailboxEmitterFields extends MailboxPad0 {
  volatile int status; // Mailbox.IDLE or Mailbox.SCHEDULED; see Mailbox's class comment
  volatile int waitingEmitters; // written only under the mailbox's roomLock; the drain reads it

  /*
   * Emitters may offer while the producer index is below this: the consumer index plus the
   * capacity, as last read. It only lags the truth (the consumer index only grows), so reading the
   * consumer's index, a cache miss, is needed only about once per `capacity` events. Benign race:
   * emitters read and write it opaquely; a stale value only brings the next re-read earlier.
   */
  long producerLimit;
}

abstract class MailboxPad1 extends MailboxEmitterFields {
  long b00, b01, b02, b03, b04, b05, b06, b07, b08, b09, b10, b11, b12, b13, b14, b15;
}

/* Written by the drain on every event, read by others only for monitoring. */
abstract class MailboxDrainFields extends MailboxPad1 {
  long delivered; // single writer: the drain; read opaquely for monitoring
  long failed; // single writer: the drain; read opaquely for monitoring
  long failuresReported; // drain-only: callback failures reported, for rate-limiting the log
  long spinNanos; // drain-only; successive drains are ordered by the status CAS
  long caughtUpAt; // drain-only: when it last caught up or paused to trail; 0 after a hand-over
  long takeBeforeLook; // drain-only: events it may take before it looks again (Mailbox.lookAt)
  long producedAtLook; // drain-only: the producer index at the last look, or when it caught up
  int fastLooks; // drain-only: looks in a row that found a fast stream, up to the threshold
  @Nullable Thread drainer; // opaque: the thread draining now, for diagnostics and re-entrancy
  boolean ranInline; // drain-only: its resubmission ran inline on a direct executor
}

abstract class MailboxPad2 extends MailboxDrainFields {
  long c00, c01, c02, c03, c04, c05, c06, c07, c08, c09, c10, c11, c12, c13, c14, c15;
}

/* Cold fields come last, after the padding, followed by the Mailbox's own (set once). */
abstract class MailboxFields extends MailboxPad2 {}
