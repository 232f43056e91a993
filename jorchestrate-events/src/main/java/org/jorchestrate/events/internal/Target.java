package org.jorchestrate.events.internal;

import java.util.List;

/*
 * What a subscription runs for an event: a plain callback or a bound listener object. Called by the
 * subscription's mailbox on its drain thread, never concurrently for one mailbox.
 */
interface Target {

  /**
   * Runs the callback(s) for one event, catching everything they throw.
   *
   * @param failures where each failure is reported (logged and handed to the error handler)
   * @return true if nothing failed
   */
  boolean deliver(EventRecord event, FailureSink failures);

  /** The events this target is registered for; empty for a wildcard. */
  List<Enum<?>> types();

  /** Identifies the callback in log messages. */
  String describe();

  /* Receives callback failures. */
  interface FailureSink {
    void report(Throwable failure, EventRecord event);
  }
}
