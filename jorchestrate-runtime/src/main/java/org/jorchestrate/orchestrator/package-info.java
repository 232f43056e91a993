/**
 * The {@link org.jorchestrate.orchestrator.Orchestrator}: starts agents, follows their state events,
 * reports {@link org.jorchestrate.orchestrator.OrchestratorEvent}s, and keeps a bounded {@link
 * org.jorchestrate.orchestrator.EventHistory}.
 */
@NullMarked
package org.jorchestrate.orchestrator;

import org.jspecify.annotations.NullMarked;
