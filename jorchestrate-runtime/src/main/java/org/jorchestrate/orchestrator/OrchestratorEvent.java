package org.jorchestrate.orchestrator;

/**
 * The events an {@link Orchestrator} emits about the agents it runs, translated from their {@link
 * org.jorchestrate.agent.AgentStateEvent}s. All but {@link #ALL_AGENTS_TERMINATED} carry {@value
 * #AGENT_NAME}.
 */
public enum OrchestratorEvent {

  /** An agent finished its setup ({@code AgentStateEvent.READY}). */
  AGENT_READY,

  /** An agent's thread started ({@code AgentStateEvent.STARTED}). */
  AGENT_STARTED,

  /**
   * An agent ended ({@code AgentStateEvent.TERMINATED}); also carries {@value #STATE}, {@code
   * TERMINATED} or {@code FAILED}. Emitted exactly once per agent, also if its own {@code
   * TERMINATED} event was lost (dropped by an overflow policy, or refused by a manager shut down
   * meanwhile).
   */
  AGENT_TERMINATED,

  /**
   * An agent failed, or did not stop within the orchestrator's stop timeout; also carries {@value
   * #ERROR_MESSAGE}, {@value #ERROR_TYPE} and {@value #PHASE} ({@code start}, {@code setup}, {@code
   * execute}, {@code teardown}, or {@code stop} for an agent that was given up on).
   */
  AGENT_ERROR,

  /**
   * Every agent of the orchestrator has ended, or was given up on after the stop timeout; emitted
   * exactly once per run, after the last {@link #AGENT_TERMINATED} of the agents that ended (an
   * agent given up on may still end, and be reported, later). Carries {@value #ORCHESTRATOR},
   * {@value #AGENTS}, {@value #FAILED} and {@value #ABANDONED}.
   */
  ALL_AGENTS_TERMINATED;

  /** The parameter naming the agent. */
  public static final String AGENT_NAME = "agent_name";

  /** The parameter of {@link #AGENT_ERROR} with the failure's class name, if there is one. */
  public static final String ERROR_TYPE = "error_type";

  /** The parameter of {@link #AGENT_ERROR} describing the failure. */
  public static final String ERROR_MESSAGE = "error_message";

  /** The parameter of {@link #AGENT_ERROR} naming the phase that failed. */
  public static final String PHASE = "phase";

  /** The parameter of {@link #AGENT_TERMINATED} with the agent's final state. */
  public static final String STATE = "state";

  /** The parameter of {@link #ALL_AGENTS_TERMINATED} naming the orchestrator. */
  public static final String ORCHESTRATOR = "orchestrator";

  /** The parameter of {@link #ALL_AGENTS_TERMINATED}: how many agents ran. */
  public static final String AGENTS = "agents";

  /** The parameter of {@link #ALL_AGENTS_TERMINATED}: how many of them ended {@code FAILED}. */
  public static final String FAILED = "failed";

  /**
   * The parameter of {@link #ALL_AGENTS_TERMINATED}: how many did not stop within the stop timeout
   * and were given up on.
   */
  public static final String ABANDONED = "abandoned";
}
