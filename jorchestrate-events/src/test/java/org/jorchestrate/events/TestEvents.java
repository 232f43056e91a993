package org.jorchestrate.events;

/** Events of the tests. */
enum TestEvents {
  TASK_STARTED,
  TASK_COMPLETED,
  TASK_FAILED
}
