package org.jorchestrate.bench;

/**
 * One event system under test, set up with some listeners for one event. Each emission carries two
 * parameters, a {@code long} sequence number and the emitter's {@link Sink}; each listener reads
 * both and reports to the sink. Implementations take the same executor budget where they take an
 * executor at all: a pool of as many threads as the machine has cores.
 */
public interface Contender extends AutoCloseable {

  /**
   * Emits one event. May be called from several threads at once.
   *
   * @param sequence a number the listeners read
   * @param sink where the listeners report
   */
  void emit(long sequence, Sink sink);

  /** Shuts the system down and releases its threads. */
  @Override
  void close();
}
