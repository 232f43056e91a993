package org.jorchestrate.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.jorchestrate.agent.AgentStateEvent;
import org.jorchestrate.events.Event;
import org.jorchestrate.events.EventManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class EventHistoryTest {

  enum Tick {
    TICK,
    TOCK
  }

  private final EventManager events = EventManager.builder().synchronous().build();

  @AfterEach
  void shutDown() {
    events.shutdown();
  }

  @Test
  void keepsOnlyTheMostRecent_oldestFirst_butCountsEverything() {
    EventHistory history = EventHistory.attachTo(events, 10);

    for (int i = 0; i < 1_000; i++) {
      events.emit(i % 4 == 0 ? Tick.TOCK : Tick.TICK, "i", i);
    }

    assertThat(history.size()).isEqualTo(10);
    assertThat(history.capacity()).isEqualTo(10);
    assertThat(history.recorded()).isEqualTo(1_000);
    assertThat(history.last(3)).extracting(e -> e.get("i")).containsExactly(997, 998, 999);
    assertThat(history.last(100)).extracting(e -> e.get("i")).hasSize(10).startsWith(990);
    assertThat(history.last(0)).isEmpty();
    assertThat(history.byType(Tick.TOCK)).extracting(e -> e.get("i")).containsExactly(992, 996);
    assertThat(history.counts())
        .containsExactly(Map.entry(Tick.TOCK, 250L), Map.entry(Tick.TICK, 750L));
  }

  @Test
  void beforeWrapping_returnsWhatItHas() {
    EventHistory history = EventHistory.attachTo(events, 10);
    events.emit(Tick.TICK, "i", 1);
    events.emit(Tick.TOCK, "i", 2);

    assertThat(history.size()).isEqualTo(2);
    assertThat(history.last(10)).extracting(e -> e.get("i")).containsExactly(1, 2);
  }

  @Test
  void byAgent_selectsEventsCarryingTheAgentName() {
    EventHistory history = EventHistory.attachTo(events);
    events.emit(AgentStateEvent.STARTED, AgentStateEvent.AGENT_NAME, "a");
    events.emit(AgentStateEvent.STARTED, AgentStateEvent.AGENT_NAME, "b");
    events.emit(OrchestratorEvent.AGENT_STARTED, OrchestratorEvent.AGENT_NAME, "a");
    events.emit(Tick.TICK);

    List<Event> ofA = history.byAgent("a");

    assertThat(ofA)
        .extracting(Event::type)
        .containsExactly(AgentStateEvent.STARTED, OrchestratorEvent.AGENT_STARTED);
  }

  @Test
  void close_stopsRecording_keepsWhatWasRecorded() {
    EventHistory history = EventHistory.attachTo(events, 5);
    events.emit(Tick.TICK);

    history.close();
    events.emit(Tick.TICK);

    assertThat(history.recorded()).isEqualTo(1);
    assertThat(history.last(5)).hasSize(1);
  }

  @Test
  void results_areUnmodifiableSnapshots() {
    EventHistory history = EventHistory.attachTo(events, 5);
    events.emit(Tick.TICK);
    List<Event> snapshot = history.last(5);
    events.emit(Tick.TOCK);

    assertThat(snapshot).hasSize(1);
    assertThatThrownBy(() -> snapshot.add(snapshot.get(0)))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> history.counts().put(Tick.TICK, 0L))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void capacityBelowOne_isRejected() {
    assertThatThrownBy(() -> EventHistory.attachTo(events, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 1");
  }
}
