package org.jorchestrate.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.nats.client.JetStreamStatusException;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PullRequestOptions;
import io.nats.client.PullSubscribeOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jorchestrate.events.EventManager;
import org.jorchestrate.nats.testing.NatsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the bridge does when the broker is away or misbehaves: buffering in order, counted
 * overflow, poison messages, a durable consumer deleted under it, deliveries lost on their way to
 * a node. Each test has its own broker.
 */
@SuppressWarnings("try") // jnats Connection.close() declares InterruptedException
class BrokerOutageTest {

  private static final Logger LOG = LoggerFactory.getLogger(BrokerOutageTest.class);

  enum Tick {
    TOCK
  }

  private NatsServer server;
  private final List<AutoCloseable> toClose = new ArrayList<>();
  private final List<BridgeError> errorsAtA = new CopyOnWriteArrayList<>();
  private final List<BridgeError> errorsAtB = new CopyOnWriteArrayList<>();

  @BeforeEach
  void startBroker() {
    server = NatsServer.launch();
  }

  @AfterEach
  void closeAll() throws Exception {
    Collections.reverse(toClose);
    for (AutoCloseable closeable : toClose) {
      closeable.close();
    }
    server.close();
  }

  private NatsEventBridge bridge(
      EventManager events, String id, int outboxCapacity, List<BridgeError> errors) {
    return bridge(events, id, outboxCapacity, errors, 1 << 20);
  }

  private NatsEventBridge bridge(
      EventManager events,
      String id,
      int outboxCapacity,
      List<BridgeError> errors,
      int maxMessageBytes) {
    Connection connection = server.connect();
    toClose.add(connection);
    toClose.add(events);
    NatsEventBridge bridge =
        NatsEventBridge.builder()
            .eventManager(events)
            .connection(connection)
            .stream("OUTAGE")
            .subjectPrefix("outage")
            .nodeId(id)
            .events(Tick.class)
            .outboxCapacity(outboxCapacity)
            .publishTimeout(Duration.ofSeconds(1))
            .closeTimeout(Duration.ofSeconds(10))
            .errorHandler(errors::add)
            .maxMessageBytes(maxMessageBytes)
            .build();
    toClose.add(bridge);
    return bridge;
  }

  private static EventManager manager(String name) {
    return EventManager.builder().name(name).shutdownHook(false).build();
  }

  @Test
  void brokerDown_eventsAreDeliveredLocally_bufferedAndSentInOrderOnceItIsBack() {
    EventManager a = manager("a");
    EventManager b = manager("b");
    bridge(a, "node-a", 1 << 16, errorsAtA);
    NatsEventBridge atB = bridge(b, "node-b", 1 << 16, errorsAtB);
    List<Integer> local = Collections.synchronizedList(new ArrayList<>());
    List<Integer> remote = Collections.synchronizedList(new ArrayList<>());
    a.registerEvent(Tick.TOCK, e -> local.add(e.get("i", Integer.class)));
    b.registerEvent(Tick.TOCK, e -> remote.add(e.get("i", Integer.class)));
    a.emit(Tick.TOCK, "i", -1); // one round trip first: the broker has stored its set-up
    await().atMost(Duration.ofSeconds(20)).until(() -> remote.size() == 1);
    local.clear();
    remote.clear();

    server.kill();
    for (int i = 0; i < 500; i++) {
      a.emit(Tick.TOCK, "i", i);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> local.size() == 500);
    await().atMost(Duration.ofSeconds(20)).until(() -> !errorsAtA.isEmpty());
    assertThat(errorsAtA).extracting(BridgeError::kind).contains(BridgeError.Kind.PUBLISH_FAILED);
    server.start();

    await().atMost(Duration.ofSeconds(30)).until(() -> remote.size() >= 500);
    List<Integer> expected = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      expected.add(i);
    }
    assertThat(remote).containsExactlyElementsOf(expected);
    assertThat(atB.statistics().gapsSkipped()).isZero();
  }

  @Test
  void fullOutbox_countsAndReportsWhatItCouldNotSend_andSendsTheRest() {
    EventManager a = manager("a");
    EventManager b = manager("b");
    NatsEventBridge atA = bridge(a, "node-a", 4, errorsAtA);
    bridge(b, "node-b", 4, errorsAtB);
    List<Integer> remote = new CopyOnWriteArrayList<>();
    b.registerEvent(Tick.TOCK, e -> remote.add(e.get("i", Integer.class)));

    server.kill();
    int emitted = 400; // more than the sender's window (256) and the outbox (4) hold together
    for (int i = 0; i < emitted; i++) {
      a.emit(Tick.TOCK, "i", i);
    }
    long overflowed = atA.statistics().overflowed();
    assertThat(overflowed).isPositive();
    assertThat(errorsAtA)
        .filteredOn(e -> e.kind() == BridgeError.Kind.OUTBOX_OVERFLOW)
        .hasSize((int) overflowed)
        .first()
        .satisfies(e -> assertThat(e.message()).contains("outgoing buffer").contains("Tick.TOCK"));
    server.start();

    long sent = emitted - overflowed;
    await().atMost(Duration.ofSeconds(30)).until(() -> atA.statistics().published() == sent);
    await().atMost(Duration.ofSeconds(30)).until(() -> remote.size() == sent);
    assertThat(atA.statistics().pending()).isZero();
    assertThat(remote).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void poisonMessages_areDroppedAndReported_andTheConsumerGoesOn() throws Exception {
    EventManager a = manager("a");
    EventManager b = manager("b");
    bridge(a, "node-a", 1024, errorsAtA);
    NatsEventBridge atB = bridge(b, "node-b", 1024, errorsAtB, 4096);
    List<Integer> remote = new CopyOnWriteArrayList<>();
    b.registerEvent(Tick.TOCK, e -> remote.add(e.get("i", Integer.class)));

    try (Connection raw = server.connect()) {
      var js = raw.jetStream();
      js.publish("outage.Tick.TOCK", "not json".getBytes(StandardCharsets.UTF_8));
      js.publish("outage.Tick.TOCK", "{\"v\":1,\"origin\":\"x\"}".getBytes(StandardCharsets.UTF_8));
      js.publish("outage.Tick.TOCK", new byte[8192]); // over node-b's maxMessageBytes (4 KiB)
      js.publish(
          "outage.Tick.TOCK",
          ("{\"v\":1,\"origin\":\"evil\",\"epoch\":1,\"seq\":1,\"event\":\"Tick.TOCK\","
                  + "\"timestamp\":\"2026-01-01T00:00:00Z\",\"event_date\":\"2026-01-01\","
                  + "\"event_time\":\"00:00:00.000000\",\"params\":{\"event_date\":\"forged\"}}")
              .getBytes(StandardCharsets.UTF_8));
    }
    a.emit(Tick.TOCK, "i", 1);

    await().atMost(Duration.ofSeconds(20)).until(() -> remote.size() == 1);
    await().atMost(Duration.ofSeconds(10)).until(() -> atB.statistics().poison() == 4);
    assertThat(errorsAtB)
        .filteredOn(e -> e.kind() == BridgeError.Kind.POISON_MESSAGE)
        .extracting(BridgeError::message)
        .anySatisfy(m -> assertThat(m).contains("not valid JSON"))
        .anySatisfy(m -> assertThat(m).contains("missing"))
        .anySatisfy(m -> assertThat(m).contains("limit"))
        .anySatisfy(m -> assertThat(m).contains("event_date"));
  }

  @Test
  void durableConsumerDeletedUnderTheBridge_isCreatedAgain_andConsumptionGoesOn() throws Exception {
    EventManager a = manager("a");
    EventManager b = manager("b");
    bridge(a, "node-a", 1024, errorsAtA);
    bridge(b, "node-b", 1024, errorsAtB);
    List<Integer> remote = new CopyOnWriteArrayList<>();
    b.registerEvent(Tick.TOCK, e -> remote.add(e.get("i", Integer.class)));
    a.emit(Tick.TOCK, "i", 0);
    await().atMost(Duration.ofSeconds(20)).until(() -> remote.size() == 1);

    try (Connection admin = server.connect()) {
      assertThat(admin.jetStreamManagement().deleteConsumer("OUTAGE", "node-b")).isTrue();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> admin.jetStreamManagement().getConsumerNames("OUTAGE").contains("node-b"));
    }
    a.emit(Tick.TOCK, "i", 1);
    await().atMost(Duration.ofSeconds(20)).until(() -> remote.size() == 2);
    assertThat(remote).containsExactly(0, 1);
  }

  /*
   * After some broker restarts, a whole pull batch the broker delivered to a node never reached
   * it: the consumer's delivery sequence jumps, and the broker would redeliver the missing messages
   * only after their ack wait (Bridge.ACK_WAIT, 20 s), while the node holds every later event of
   * their origins. Here a second connection plays that lossy path: it pulls from node-b's own
   * durable consumer while node-a emits and never acknowledges what it takes, so the broker counts
   * those messages as delivered to node-b. node-b must see the jump and create its consumer again
   * at once, from where it stopped taking messages in order.
   */
  @Test
  void deliveriesLostOnTheWay_consumerIsCreatedAgainAtOnce_notAfterTheAckWait() throws Exception {
    EventManager a = manager("a");
    EventManager b = manager("b");
    bridge(a, "node-a", 1 << 16, errorsAtA);
    NatsEventBridge atB = bridge(b, "node-b", 1 << 16, errorsAtB);
    List<Integer> remote = new CopyOnWriteArrayList<>();
    b.registerEvent(Tick.TOCK, e -> remote.add(e.get("i", Integer.class)));
    a.emit(Tick.TOCK, "i", 0); // node-b has taken a delivery: the next ones must follow it
    await().atMost(Duration.ofSeconds(20)).until(() -> remote.size() == 1);

    Connection lossy = server.connect();
    toClose.add(lossy);
    JetStreamSubscription thief =
        lossy.jetStream().subscribe("outage.>", PullSubscribeOptions.bind("OUTAGE", "node-b"));
    int batch = 100;
    thief.pull(PullRequestOptions.builder(batch).expiresIn(Duration.ofSeconds(30)).build());
    lossy.flush(Duration.ofSeconds(5)); // the broker holds the request before node-a emits
    long stealing = System.nanoTime();
    // More than node-b's pull requests take (256 each): the broker serves the waiting requests in
    // turn, so the other connection gets some of them whatever the timing.
    int burst = 600;
    for (int i = 1; i <= burst; i++) {
      a.emit(Tick.TOCK, "i", i);
    }
    // It stays subscribed until its request is over (its batch taken, or the consumer re-created
    // under it): the broker redelivers at once a message it sent to a request whose subscriber is
    // gone (nats-server's didNotDeliver), which would repair the loss before node-b could see it.
    List<Message> stolen = new ArrayList<>();
    await("the other connection's pull request over")
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              try {
                for (Message m = thief.nextMessage(1); m != null; m = thief.nextMessage(1)) {
                  stolen.add(m); // never acknowledged
                }
              } catch (JetStreamStatusException consumerDeleted) { // node-b re-created it
                return !stolen.isEmpty();
              }
              return stolen.size() == batch
                  || (!stolen.isEmpty() && atB.statistics().lostDeliveryRecoveries() > 0);
            });
    thief.unsubscribe();
    int total = burst + 11;
    for (int i = burst + 1; i < total; i++) { // node-b's deliveries go on after the lost ones
      a.emit(Tick.TOCK, "i", i);
    }

    // The stolen messages were delivered after `stealing`, so the broker could not redeliver any
    // of them before stealing + 20 s (their ack wait); node-b must have everything within half.
    await("node-b delivers all of node-a's events, well within the ack wait of the lost ones")
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(remote.size())
                    .as("events node-b delivered")
                    .isGreaterThanOrEqualTo(total));
    Duration took = Duration.ofNanos(System.nanoTime() - stealing);
    BridgeStatistics atBStats = atB.statistics();
    LOG.info(
        "{} deliveries to node-b taken by another connection; node-b had all {} events {} ms"
            + " later: {}",
        stolen.size(),
        total,
        took.toMillis(),
        atBStats);
    List<Integer> expected = new ArrayList<>();
    for (int i = 0; i < total; i++) {
      expected.add(i);
    }
    assertThat(remote).containsExactlyElementsOf(expected); // each once, in node-a's order
    assertThat(took).isLessThan(Duration.ofSeconds(10));
    assertThat(atBStats.lostDeliveryRecoveries()).isEqualTo(1);
    assertThat(atBStats.redelivered()).as("messages the broker delivered again").isZero();
    assertThat(atBStats.gapsSkipped()).isZero();
    assertThat(errorsAtB).noneMatch(e -> e.kind() == BridgeError.Kind.EVENTS_MISSING);
  }

  @Test
  void managerShutDownBeforeTheBridge_receiverStopsQuietly_andCloseReturns() {
    EventManager a = manager("a");
    EventManager b = manager("b");
    NatsEventBridge atA = bridge(a, "node-a", 1024, errorsAtA);
    NatsEventBridge atB = bridge(b, "node-b", 1024, errorsAtB);
    b.shutdown();
    for (int i = 0; i < 10; i++) {
      a.emit(Tick.TOCK, "i", i);
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> atA.statistics().published() == 10);

    atB.close();

    assertThat(errorsAtB).noneMatch(e -> e.kind() == BridgeError.Kind.CONSUME_FAILED);
    assertThat(atB.statistics().delivered()).isZero();
  }
}
