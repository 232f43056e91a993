package org.jorchestrate.agent;

/**
 * An agent whose work is a loop: {@link #loop()} runs again and again until a stop is requested.
 *
 * <p>Each call should do a bounded amount of work, or block interruptibly (for example on {@code
 * BlockingQueue.poll(timeout)}), so that {@link #stop()} takes effect promptly. The agent may stop
 * itself by calling {@code stop()} from {@code loop()}.
 */
public abstract class LoopingAgent extends Agent {

  /**
   * Creates a looping agent.
   *
   * @param name its name
   */
  protected LoopingAgent(String name) {
    super(name);
  }

  /**
   * One turn of the agent's work.
   *
   * @throws Exception to fail the agent
   */
  protected abstract void loop() throws Exception;

  /** Calls {@link #loop()} until a stop is requested. */
  @Override
  protected final void execute() throws Exception {
    while (!isStopRequested()) {
      loop();
    }
  }
}
