package org.jorchestrate.events.internal;

import java.time.Duration;
import org.jorchestrate.events.Emission;

/*
 * The two emissions that need no event: one accepted with nobody subscribed, one refused after
 * shutdown. Both are immutable and done, so one shared instance of each serves every such emit.
 */
final class Emissions implements Emission {

  static final Emission NO_SUBSCRIBERS = new Emissions(true);
  static final Emission REFUSED = new Emissions(false);

  private final boolean accepted;

  private Emissions(boolean accepted) {
    this.accepted = accepted;
  }

  @Override
  public boolean accepted() {
    return accepted;
  }

  @Override
  public int subscribers() {
    return 0;
  }

  @Override
  public int delivered() {
    return 0;
  }

  @Override
  public int failed() {
    return 0;
  }

  @Override
  public int dropped() {
    return 0;
  }

  @Override
  public boolean isDone() {
    return true;
  }

  @Override
  public boolean await(Duration timeout) {
    return true;
  }

  @Override
  public String toString() {
    return accepted ? "Emission[accepted, no subscribers]" : "Emission[refused: shut down]";
  }
}
