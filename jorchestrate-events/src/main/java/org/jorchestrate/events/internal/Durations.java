package org.jorchestrate.events.internal;

import java.time.Duration;

/* Conversions of user-supplied timeouts, which may be huge or negative. */
final class Durations {

  private Durations() {}

  /** Returns the duration in nanoseconds, Long.MAX_VALUE if larger, 0 if negative. */
  static long saturatedNanos(Duration duration) {
    if (duration.isNegative()) {
      return 0;
    }
    if (duration.compareTo(Duration.ofNanos(Long.MAX_VALUE)) >= 0) {
      return Long.MAX_VALUE;
    }
    return duration.toNanos();
  }
}
