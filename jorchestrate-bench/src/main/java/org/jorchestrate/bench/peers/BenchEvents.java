package org.jorchestrate.bench.peers;

/** The benchmark's events: one that listeners subscribe to, one that nobody does. */
public enum BenchEvents {
  /** The event the listeners receive. */
  TICK,
  /** An event with no subscriber. */
  UNHEARD
}
