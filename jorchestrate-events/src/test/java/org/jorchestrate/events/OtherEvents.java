package org.jorchestrate.events;

/** A second enum with a constant of the same name as one of {@link TestEvents}. */
enum OtherEvents {
  TASK_STARTED,
  ELSEWHERE
}
