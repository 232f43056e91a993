package org.jorchestrate.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jorchestrate.events.Event;
import org.jorchestrate.events.EventManager;
import org.jorchestrate.nats.testing.NatsServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Two nodes in one JVM, each with its own manager, connection and bridge, on a real broker. */
class NatsEventBridgeTest {

  enum TaskEvent {
    STARTED,
    DONE
  }

  enum LocalOnly {
    TICK
  }

  private static NatsServer server;
  private final List<AutoCloseable> toClose = new ArrayList<>();
  private static int streams;

  @BeforeAll
  static void startBroker() {
    server = NatsServer.launch();
  }

  @AfterAll
  static void stopBroker() {
    server.close();
  }

  @AfterEach
  void closeAll() throws Exception {
    Collections.reverse(toClose);
    for (AutoCloseable closeable : toClose) {
      closeable.close();
    }
  }

  private record Node(EventManager events, NatsEventBridge bridge, Connection connection) {}

  private String freshStream() {
    return "T" + (++streams);
  }

  private Node node(String stream, String id) {
    EventManager events = EventManager.builder().name(id).shutdownHook(false).build();
    Connection connection = server.connect();
    NatsEventBridge bridge =
        NatsEventBridge.builder()
            .eventManager(events)
            .connection(connection)
            .stream(stream)
            .subjectPrefix(stream.toLowerCase())
            .nodeId(id)
            .events(TaskEvent.class)
            .build();
    toClose.add(connection);
    toClose.add(events);
    toClose.add(bridge);
    return new Node(events, bridge, connection);
  }

  @Test
  void remoteEvent_reachesOtherNodesCallbacks_withItsParamsTimestampAndOrigin() {
    String stream = freshStream();
    Node a = node(stream, "node-a");
    Node b = node(stream, "node-b");
    List<Event> atB = new CopyOnWriteArrayList<>();
    List<Event> atA = new CopyOnWriteArrayList<>();
    b.events().registerEvent(TaskEvent.STARTED, atB::add);
    a.events().registerEvent(TaskEvent.STARTED, atA::add);

    Instant when = Instant.parse("2026-01-02T03:04:05.123456789Z");
    var emission =
        a.events()
            .emit(
                TaskEvent.STARTED,
                "task_name", "ingest",
                "attempt", 3,
                "size", 5_000_000_000L,
                "ratio", 0.25,
                "price", new BigDecimal("12.3400"),
                "tags", List.of("x", "y"),
                "meta", Map.of("k", true),
                "day", LocalDate.of(2026, 1, 2),
                "nothing", null);
    assertThat(emission.accepted()).isTrue();

    await().atMost(Duration.ofSeconds(20)).until(() -> atB.size() == 1);
    Event local = atA.get(0);
    Event remote = atB.get(0);
    assertThat(remote.type()).isSameAs(TaskEvent.STARTED);
    assertThat(remote.timestamp()).isEqualTo(local.timestamp());
    assertThat(remote.eventDate()).isEqualTo(local.eventDate());
    assertThat(remote.eventTime()).isEqualTo(local.eventTime());
    assertThat(remote.get("task_name")).isEqualTo("ingest");
    assertThat(remote.get("attempt")).isEqualTo(3);
    assertThat(remote.get("size")).isEqualTo(5_000_000_000L);
    assertThat(remote.get("ratio")).isEqualTo(0.25);
    assertThat(remote.get("price")).isEqualTo(new BigDecimal("12.3400"));
    assertThat(remote.get("tags")).isEqualTo(List.of("x", "y"));
    assertThat(remote.get("meta")).isEqualTo(Map.of("k", true));
    assertThat(remote.get("day")).isEqualTo("2026-01-02");
    assertThat(remote.has("nothing")).isTrue();
    assertThat(remote.get("nothing")).isNull();
    assertThat(NatsEventBridge.originOf(remote)).isEqualTo("node-a");
    assertThat(remote.get(NatsEventBridge.ORIGIN_NODE)).isEqualTo("node-a");
    assertThat(NatsEventBridge.originOf(local)).isNull();
    assertThat(when).isNotNull();
  }

  @Test
  void ownEvents_areNeverRedeliveredFromTheBroker() {
    String stream = freshStream();
    Node a = node(stream, "node-a");
    Node b = node(stream, "node-b");
    List<Event> atA = new CopyOnWriteArrayList<>();
    List<Event> atB = new CopyOnWriteArrayList<>();
    a.events().registerEvent(TaskEvent.DONE, atA::add);
    b.events().registerEvent(TaskEvent.DONE, atB::add);
    for (int i = 0; i < 50; i++) {
      a.events().emit(TaskEvent.DONE, "i", i);
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> atB.size() == 50);
    await().atMost(Duration.ofSeconds(20)).until(() -> a.bridge().statistics().ownSkipped() == 50);
    assertThat(atA).hasSize(50);
    assertThat(atA).allSatisfy(e -> assertThat(NatsEventBridge.originOf(e)).isNull());
    // b re-emits remote events without relaying them back
    assertThat(b.bridge().statistics().published()).isZero();
  }

  @Test
  void eventsOfOneOrigin_arriveInEmissionOrder_exactlyOnce() {
    String stream = freshStream();
    Node a = node(stream, "node-a");
    Node b = node(stream, "node-b");
    List<Integer> atB = Collections.synchronizedList(new ArrayList<>());
    b.events().registerAll(e -> atB.add(e.get("i", Integer.class)));
    int count = 5_000;
    for (int i = 0; i < count; i++) {
      a.events().emit(i % 2 == 0 ? TaskEvent.STARTED : TaskEvent.DONE, "i", i);
    }
    await().atMost(Duration.ofSeconds(60)).until(() -> atB.size() >= count);
    List<Integer> expected = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      expected.add(i);
    }
    assertThat(atB).containsExactlyElementsOf(expected);
    // acknowledged (and counted) once the callbacks ran, with the next fetch round
    await().atMost(Duration.ofSeconds(20)).until(() -> b.bridge().statistics().delivered() == count);
    assertThat(b.bridge().statistics().duplicatesDropped()).isZero();
  }

  @Test
  void nonJsonParameter_failsAtEmit_namingIt_andNothingIsSent() {
    String stream = freshStream();
    Node a = node(stream, "node-a");
    List<Event> atA = new CopyOnWriteArrayList<>();
    a.events().registerEvent(TaskEvent.STARTED, atA::add);
    assertThatThrownBy(() -> a.events().emit(TaskEvent.STARTED, "payload", new Object()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("emit(TaskEvent.STARTED)")
        .hasMessageContaining("'payload'")
        .hasMessageContaining("java.lang.Object");
    assertThatThrownBy(
            () -> a.events().emit(TaskEvent.STARTED, "nested", Map.of("list", List.of(Thread.currentThread()))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'nested.list[0]'");
    assertThatThrownBy(() -> a.events().emit(TaskEvent.STARTED, "ratio", Double.NaN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'ratio'");
    assertThatThrownBy(() -> a.events().emit(TaskEvent.STARTED, NatsEventBridge.ORIGIN_NODE, "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("reserved");
    // events of types that are not bridged carry anything
    a.events().emit(LocalOnly.TICK, "payload", new Object());
    assertThat(atA).isEmpty();
    assertThat(a.bridge().statistics().published()).isZero();
    assertThat(a.bridge().statistics().pending()).isZero();
  }

  @Test
  void eventWithNoLocalSubscriber_isStillSent() {
    String stream = freshStream();
    Node a = node(stream, "node-a");
    Node b = node(stream, "node-b");
    List<Event> atB = new CopyOnWriteArrayList<>();
    b.events().registerEvent(TaskEvent.DONE, atB::add);
    a.events().emit(TaskEvent.DONE, "x", 1);
    await().atMost(Duration.ofSeconds(20)).until(() -> atB.size() == 1);
  }

  @Test
  void close_flushesEveryAcceptedEvent() {
    String stream = freshStream();
    Node b = node(stream, "node-b");
    List<Event> atB = new CopyOnWriteArrayList<>();
    b.events().registerEvent(TaskEvent.DONE, atB::add);
    EventManager events = EventManager.builder().shutdownHook(false).build();
    Connection connection = server.connect();
    toClose.add(connection);
    try {
      NatsEventBridge bridge =
          NatsEventBridge.builder()
              .eventManager(events)
              .connection(connection)
              .stream(stream)
              .subjectPrefix(stream.toLowerCase())
              .nodeId("short-lived")
              .events(TaskEvent.class)
              .build();
      for (int i = 0; i < 2_000; i++) {
        events.emit(TaskEvent.DONE, "i", i);
      }
      bridge.close();
      assertThat(bridge.statistics().published()).isEqualTo(2_000);
      assertThat(bridge.statistics().pending()).isZero();
    } finally {
      events.close();
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> atB.size() == 2_000);
  }
}
