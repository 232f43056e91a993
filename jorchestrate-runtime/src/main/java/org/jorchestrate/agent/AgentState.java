package org.jorchestrate.agent;

/**
 * Where an {@link Agent} is in its lifecycle. States only move forward, in declaration order; an
 * agent ends in exactly one of the two terminal states.
 */
public enum AgentState {

  /** Created, not started yet. */
  CREATED,

  /** Started: its thread runs {@link Agent#setup()}. */
  STARTING,

  /** Set up: its thread runs {@link Agent#execute()}. */
  RUNNING,

  /** Its work ended or a stop was requested: it winds down and runs {@link Agent#teardown()}. */
  STOPPING,

  /** Ended without error. Terminal. */
  TERMINATED,

  /** Ended after {@code setup}, {@code execute} or {@code teardown} threw. Terminal. */
  FAILED;

  /**
   * Tells whether this state is one of the two terminal ones.
   *
   * @return true for {@link #TERMINATED} and {@link #FAILED}
   */
  public boolean isTerminal() {
    return this == TERMINATED || this == FAILED;
  }
}
