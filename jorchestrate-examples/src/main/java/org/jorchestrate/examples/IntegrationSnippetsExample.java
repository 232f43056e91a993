package org.jorchestrate.examples;

import java.io.PrintStream;
import org.jorchestrate.agent.Agent;
import org.jorchestrate.agent.AgentStateEvent;
import org.jorchestrate.orchestrator.Orchestrator;
import org.jorchestrate.orchestrator.OrchestratorEvent;

/**
 * The specification's two integration snippets ("Agent Event Handling" and "Orchestrator Event
 * Handling"), as written, on an orchestrator running one agent.
 *
 * <p>Run it with {@code mvn -q -pl jorchestrate-examples -am compile exec:java
 * -Dexec.mainClass=org.jorchestrate.examples.IntegrationSnippetsExample}.
 */
public final class IntegrationSnippetsExample {

  private IntegrationSnippetsExample() {}

  /**
   * Runs the example.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    run(System.out);
  }

  static void run(PrintStream out) {
    try (Orchestrator orchestrator = new Orchestrator()) {
      orchestrator.register(
          new Agent("data_collector") {
            @Override
            protected void execute() {
              // the agent's work
            }
          });

      // Register handler for agent events
      orchestrator
          .eventManager()
          .registerEvent(
              AgentStateEvent.STARTED,
              e -> out.println("Agent " + e.get("agent_name") + " started at " + e.eventTime()));

      // Register handler for orchestrator events
      orchestrator
          .eventManager()
          .registerEvent(
              OrchestratorEvent.ALL_AGENTS_TERMINATED,
              e -> out.println("All agents terminated at " + e.eventTime()));

      orchestrator.run(); // returns once every agent ended and these callbacks ran
    }
  }
}
