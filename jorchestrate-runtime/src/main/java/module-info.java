/**
 * Agents and an orchestrator built on JOrchestrate's event manager: the specification's
 * "Integration with Agents and Orchestrator".
 */
module org.jorchestrate.runtime {
  requires transitive org.jorchestrate.events;
  requires org.slf4j;
  requires static transitive org.jspecify;

  exports org.jorchestrate.agent;
  exports org.jorchestrate.orchestrator;
}
