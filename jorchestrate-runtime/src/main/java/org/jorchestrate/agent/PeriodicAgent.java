package org.jorchestrate.agent;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * An agent that calls {@link #runner()} at a fixed rate: at once when it starts, then every {@code
 * interval}, {@code limit} times in all (or until stopped if the limit is 0 or less).
 *
 * <p>The rate is fixed: calls are due at {@code start + k × interval}. A call that overruns its
 * slot delays the next one, which then runs at once; missed slots are skipped rather than run in a
 * burst. Waiting between calls is interruptible, so {@link #stop()} ends it immediately.
 */
public abstract class PeriodicAgent extends Agent {

  private final Duration interval;
  private final long limit;
  private volatile long runs;

  /**
   * Creates a periodic agent.
   *
   * @param name its name
   * @param interval the time between the starts of two calls; positive
   * @param limit how many calls in all; 0 or less for no limit
   * @throws IllegalArgumentException if the interval is not positive
   */
  protected PeriodicAgent(String name, Duration interval, long limit) {
    super(name);
    Objects.requireNonNull(interval, "interval must not be null");
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException(
          "the interval of periodic agent '" + name + "' must be positive, but was " + interval);
    }
    this.interval = interval;
    this.limit = limit;
  }

  /**
   * One periodic call of the agent's work.
   *
   * @throws Exception to fail the agent; no further call is made
   */
  protected abstract void runner() throws Exception;

  /**
   * Returns the interval between calls.
   *
   * @return the interval given at construction
   */
  public final Duration interval() {
    return interval;
  }

  /**
   * Returns the number of calls the agent makes in all.
   *
   * @return the limit given at construction; 0 or less means none
   */
  public final long limit() {
    return limit;
  }

  /**
   * Returns how many calls of {@link #runner()} have returned so far.
   *
   * @return the count of completed calls
   */
  public final long runs() {
    return runs;
  }

  /** Calls {@link #runner()} at the fixed rate until the limit or a stop. */
  @Override
  @SuppressWarnings("NonAtomicVolatileUpdate") // runs has one writer, the agent's thread
  protected final void execute() throws Exception {
    long step = interval.toNanos();
    long due = System.nanoTime();
    while (!isStopRequested() && (limit <= 0 || runs < limit)) {
      runner();
      runs++;
      if (limit > 0 && runs >= limit) {
        return;
      }
      due += step;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait); // the schedule, not a synchronization; interruptible
      } else {
        due = System.nanoTime(); // overran: skip the missed slots instead of bursting
      }
    }
  }
}
