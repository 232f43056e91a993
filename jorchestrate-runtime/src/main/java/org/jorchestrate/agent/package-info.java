/**
 * Agents: units of work with a lifecycle ({@code setup → execute → teardown}) that announce their
 * state transitions as {@link org.jorchestrate.agent.AgentStateEvent}s through an event manager.
 *
 * <p>Start with {@link org.jorchestrate.agent.Agent}; {@link org.jorchestrate.agent.LoopingAgent}
 * and {@link org.jorchestrate.agent.PeriodicAgent} cover the two common shapes of work.
 */
@NullMarked
package org.jorchestrate.agent;

import org.jspecify.annotations.NullMarked;
