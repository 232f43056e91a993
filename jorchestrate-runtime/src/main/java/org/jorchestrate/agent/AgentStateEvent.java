package org.jorchestrate.agent;

/**
 * The events an {@link Agent} emits on its event manager as it moves through its lifecycle.
 *
 * <p>Every one carries {@value #AGENT_NAME} and {@value #AGENT_ID} (unique per agent instance in
 * the JVM, to tell apart agents of the same name on one manager). For one agent they are emitted
 * from its own thread, so every subscription sees them in this order:
 *
 * <pre>
 * STARTED → READY → STOPPED → TERMINATED        work ended, or a stop was requested
 * STARTED → ERROR → TERMINATED                 setup threw (READY is never emitted)
 * STARTED → READY → ERROR → TERMINATED         execute threw
 * STARTED → READY → STOPPED → ERROR → TERMINATED   teardown threw
 * </pre>
 *
 * A stop requested during setup skips {@code READY}. {@code TERMINATED} is always last and emitted
 * exactly once per started agent. An agent whose thread could not be started emits {@code ERROR}
 * (phase {@code start}) and {@code TERMINATED}.
 */
public enum AgentStateEvent {

  /** The agent's thread started; {@code setup()} comes next. */
  STARTED,

  /** {@code setup()} returned; {@code execute()} comes next. */
  READY,

  /** The agent's work ended without error (it returned, or a stop ended it); teardown comes next. */
  STOPPED,

  /**
   * A phase threw. Also carries {@value #ERROR_MESSAGE} (the throwable's {@code toString()}),
   * {@value #ERROR_TYPE} (its class name) and {@value #PHASE} ({@code setup}, {@code execute},
   * {@code teardown}, or {@code start} if its thread could not be started).
   */
  ERROR,

  /**
   * The agent ended; nothing follows. Also carries {@value #STATE}: {@code TERMINATED} or {@code
   * FAILED}.
   */
  TERMINATED;

  /** The parameter naming the agent, carried by every agent event. */
  public static final String AGENT_NAME = "agent_name";

  /** The parameter identifying the agent instance, carried by every agent event. */
  public static final String AGENT_ID = "agent_id";

  /** The parameter of {@link #ERROR} with the throwable's {@code toString()}. */
  public static final String ERROR_MESSAGE = "error_message";

  /** The parameter of {@link #ERROR} with the throwable's class name. */
  public static final String ERROR_TYPE = "error_type";

  /** The parameter of {@link #ERROR} with the phase that threw. */
  public static final String PHASE = "phase";

  /** The parameter of {@link #TERMINATED} with the agent's final {@link AgentState}, as a name. */
  public static final String STATE = "state";
}
