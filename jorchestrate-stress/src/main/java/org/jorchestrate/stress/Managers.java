package org.jorchestrate.stress;

import org.jorchestrate.events.EventManager;

/** Managers for the tests: synchronous, no JVM hook, nothing logged. */
final class Managers {

  enum Events {
    A,
    B
  }

  private Managers() {}

  static EventManager synchronous() {
    return EventManager.builder().synchronous().shutdownHook(false).build();
  }
}
