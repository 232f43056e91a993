package org.jorchestrate.events;

import java.time.Duration;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

/** The one Awaitility entry point of the tests: a short poll interval and a generous ceiling. */
final class Awaits {

  private Awaits() {}

  static ConditionFactory await() {
    return Awaitility.await()
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(2))
        .atMost(Duration.ofSeconds(20));
  }
}
