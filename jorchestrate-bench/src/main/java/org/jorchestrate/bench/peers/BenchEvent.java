package org.jorchestrate.bench.peers;

import org.jorchestrate.bench.Sink;

/** The event object of the peers that carry typed objects rather than named parameters. */
public final class BenchEvent {
  long sequence;
  Sink sink;

  BenchEvent(long sequence, Sink sink) {
    this.sequence = sequence;
    this.sink = sink;
  }

  /** Reads both parameters and reports the delivery, as every contender's listener does. */
  void deliver(int listener) {
    sink.delivered(listener, sequence);
  }
}
