package org.jorchestrate.bench.nats;

/** The one event type the benchmark's bridges carry. */
public enum NatsBenchEvent {
  /** An event with a sequence number ({@code seq}) and a {@code System.nanoTime()} ({@code t}). */
  TICK
}
