package org.jorchestrate.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.nats.client.AuthenticationException;
import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.jorchestrate.events.Event;
import org.jorchestrate.events.EventManager;
import org.jorchestrate.nats.testing.NatsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The bridge on brokers that authenticate and authorize: the bridge uses whatever connection the
 * caller configured (token, user and password), refuses a connection that is not connected, and
 * reports a publish the broker refuses by subject permissions with what the server said.
 */
class SecurityTest {

  enum AuthEvent {
    PING,
    PONG
  }

  private static final String TOKEN = "s3cr3t-t0ken";
  private static final String STREAM = "SECURE";
  private static final String PREFIX = "secure";
  private static final Duration WAIT = Duration.ofSeconds(20);

  /** Closed in reverse order of addition: bridge, then manager, then connection, then server. */
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    Collections.reverse(toClose);
    Exception first = null;
    for (AutoCloseable closeable : toClose) {
      try {
        closeable.close();
      } catch (Exception e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    toClose.clear();
    if (first != null) {
      throw first;
    }
  }

  private record Node(EventManager events, NatsEventBridge bridge, Connection connection) {}

  private NatsServer broker(NatsServer server) {
    toClose.add(server);
    return server;
  }

  private EventManager manager(String name) {
    EventManager events = EventManager.builder().name(name).shutdownHook(false).build();
    toClose.add(events);
    return events;
  }

  private Node node(
      NatsServer server,
      UnaryOperator<Options.Builder> auth,
      String id,
      UnaryOperator<NatsEventBridge.Builder> more) {
    Connection connection = server.connect(auth);
    toClose.add(connection);
    EventManager events = manager(id);
    NatsEventBridge bridge =
        more.apply(
                NatsEventBridge.builder()
                    .eventManager(events)
                    .connection(connection)
                    .stream(STREAM)
                    .subjectPrefix(PREFIX)
                    .nodeId(id)
                    .events(AuthEvent.class))
            .build();
    toClose.add(bridge);
    return new Node(events, bridge, connection);
  }

  private Node node(NatsServer server, UnaryOperator<Options.Builder> auth, String id) {
    return node(server, auth, id, b -> b);
  }

  /**
   * Options for a connection attempt that must fail: no reconnection, quiet. jnats waits out the
   * whole connection timeout after the server's -ERR before it gives up, hence a short one (the
   * server answers on loopback within milliseconds).
   */
  private static Options.Builder oneAttempt(NatsServer server) {
    return new Options.Builder()
        .server(server.url())
        .maxReconnects(0)
        .connectionTimeout(Duration.ofSeconds(2))
        .errorListener(new ErrorListener() {});
  }

  /** a sends PING to b, b answers PONG to a: both directions of both bridges work. */
  private static void assertExchange(Node a, Node b) {
    List<Event> atB = new CopyOnWriteArrayList<>();
    List<Event> atA = new CopyOnWriteArrayList<>();
    b.events().registerEvent(AuthEvent.PING, atB::add);
    a.events().registerEvent(AuthEvent.PONG, atA::add);

    assertThat(a.events().emit(AuthEvent.PING, "n", 1).accepted()).isTrue();
    await().atMost(WAIT).until(() -> atB.size() == 1);
    assertThat(NatsEventBridge.originOf(atB.get(0))).isEqualTo(a.bridge().nodeId());
    assertThat(atB.get(0).get("n")).isEqualTo(1);

    assertThat(b.events().emit(AuthEvent.PONG, "n", 2).accepted()).isTrue();
    await().atMost(WAIT).until(() -> atA.size() == 1);
    assertThat(NatsEventBridge.originOf(atA.get(0))).isEqualTo(b.bridge().nodeId());
    assertThat(atA.get(0).get("n")).isEqualTo(2);

    assertThat(a.bridge().statistics().publishFailures()).isZero();
    assertThat(b.bridge().statistics().publishFailures()).isZero();
  }

  // ------------------------------------------------------------------ token

  @Test
  void tokenAuth_bridgesOnTokenConnections_exchangeEvents() {
    NatsServer server = broker(NatsServer.launch("--auth", TOKEN));
    Node a = node(server, o -> o.token(TOKEN.toCharArray()), "a");
    Node b = node(server, o -> o.token(TOKEN.toCharArray()), "b");

    assertExchange(a, b);
  }

  @Test
  void withoutToken_connectionIsRefused_andBuilderRejectsAConnectionThatIsNotConnected() {
    NatsServer server = broker(NatsServer.launch("--auth", TOKEN));

    assertThatThrownBy(() -> Nats.connect(oneAttempt(server).build()))
        .isInstanceOf(AuthenticationException.class)
        .isInstanceOf(IOException.class)
        .hasMessageContaining("Authorization Violation");
    assertThatThrownBy(() -> Nats.connect(oneAttempt(server).token("wrong".toCharArray()).build()))
        .isInstanceOf(AuthenticationException.class)
        .hasMessageContaining("Authorization Violation");

    EventManager events = manager("refused");

    // A connection that worked, then was closed.
    Connection closed = server.connect(o -> o.token(TOKEN.toCharArray()));
    assertThat(closed.getStatus()).isEqualTo(Connection.Status.CONNECTED);
    closeQuietly(closed);
    assertThat(closed.getStatus()).isEqualTo(Connection.Status.CLOSED);
    assertThatThrownBy(
            () ->
                NatsEventBridge.builder()
                    .eventManager(events)
                    .connection(closed)
                    .stream(STREAM)
                    .subjectPrefix(PREFIX)
                    .nodeId("closed")
                    .events(AuthEvent.class)
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("the NATS connection is CLOSED")
        .hasMessageContaining("hand the bridge a connected connection");

    // A connection that never got past the broker's authorization: the client gives up on it
    // after repeated authorization errors, and the builder says why it is not connected.
    Connection neverConnected =
        assertTimeoutPreemptively(
            Duration.ofSeconds(60),
            () ->
                Nats.connectReconnectOnConnect(
                    oneAttempt(server)
                        .maxReconnects(-1)
                        .reconnectWait(Duration.ofMillis(100))
                        .token("wrong".toCharArray())
                        .build()));
    toClose.add(neverConnected);
    assertThat(neverConnected.getStatus()).isNotEqualTo(Connection.Status.CONNECTED);
    assertThatThrownBy(
            () ->
                NatsEventBridge.builder()
                    .eventManager(events)
                    .connection(neverConnected)
                    .stream(STREAM)
                    .subjectPrefix(PREFIX)
                    .nodeId("never")
                    .events(AuthEvent.class)
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("the NATS connection is " + neverConnected.getStatus())
        .hasMessageContaining("last error: Authorization Violation")
        .hasMessageContaining("hand the bridge a connected connection");

    // The refused builds left the manager unbridged: a good connection bridges it.
    Connection good = server.connect(o -> o.token(TOKEN.toCharArray()));
    toClose.add(good);
    NatsEventBridge bridge =
        NatsEventBridge.builder()
            .eventManager(events)
            .connection(good)
            .stream(STREAM)
            .subjectPrefix(PREFIX)
            .nodeId("good")
            .events(AuthEvent.class)
            .build();
    toClose.add(bridge);
    assertThat(bridge.nodeId()).isEqualTo("good");
  }

  private static void closeQuietly(Connection connection) {
    try {
      connection.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  // ------------------------------------------------------------------ user and password

  @Test
  void userPasswordAuth_fromConfigFile_bridgesExchangeEvents() {
    NatsServer server =
        broker(
            NatsServer.launchWithConfig(
                """
                authorization {
                  users = [
                    {user: a, password: pa}
                    {user: b, password: pb}
                  ]
                }
                """));

    assertThatThrownBy(
            () -> Nats.connect(oneAttempt(server).userInfo("a".toCharArray(), "pb".toCharArray()).build()))
        .isInstanceOf(AuthenticationException.class)
        .hasMessageContaining("Authorization Violation");
    assertThatThrownBy(() -> Nats.connect(oneAttempt(server).build()))
        .isInstanceOf(AuthenticationException.class)
        .hasMessageContaining("Authorization Violation");

    Node a = node(server, o -> o.userInfo("a".toCharArray(), "pa".toCharArray()), "a");
    Node b = node(server, o -> o.userInfo("b".toCharArray(), "pb".toCharArray()), "b");

    assertExchange(a, b);
  }

  // ------------------------------------------------------------------ subject permissions

  @Test
  void publishDeniedBySubjectPermissions_isReportedAsPublishFailed_withTheServersReason() {
    NatsServer server =
        broker(
            NatsServer.launchWithConfig(
                """
                authorization {
                  users = [
                    {user: admin, password: padmin}
                    {
                      user: limited
                      password: plimited
                      permissions: {
                        publish: { allow: ["$JS.API.>", "$JS.ACK.>", "_INBOX.>", "$KV.>"] }
                        subscribe: { allow: [">"] }
                      }
                    }
                  ]
                }
                """));

    // The admin sets up the stream and the marks bucket; the limited user only binds to them.
    Node admin = node(server, o -> o.userInfo("admin".toCharArray(), "padmin".toCharArray()), "admin");
    List<BridgeError> errors = new CopyOnWriteArrayList<>();
    Node limited =
        node(
            server,
            o -> o.userInfo("limited".toCharArray(), "plimited".toCharArray()),
            "limited",
            b -> b.errorHandler(errors::add)
                .publishTimeout(Duration.ofMillis(500))
                .closeTimeout(Duration.ofSeconds(1)));

    // What the limited user may do, it does: consume, acknowledge, store its marks.
    List<Event> atLimited = new CopyOnWriteArrayList<>();
    limited.events().registerEvent(AuthEvent.PING, atLimited::add);
    admin.events().emit(AuthEvent.PING, "from", "admin");
    await().atMost(WAIT).until(() -> atLimited.size() == 1);
    assertThat(NatsEventBridge.originOf(atLimited.get(0))).isEqualTo("admin");

    // What it may not do, publishing on the events' subjects, is reported with the server's words.
    List<Event> atAdmin = new CopyOnWriteArrayList<>();
    List<Event> localAtLimited = new CopyOnWriteArrayList<>();
    admin.events().registerEvent(AuthEvent.PONG, atAdmin::add);
    limited.events().registerEvent(AuthEvent.PONG, localAtLimited::add);
    assertThat(limited.events().emit(AuthEvent.PONG, "from", "limited").accepted()).isTrue();

    // A denied publish cannot be cured by retrying: the event is refused for good, counted and
    // reported with the server's words, and does not block the events behind it.
    await()
        .atMost(WAIT)
        .until(() -> errors.stream().anyMatch(e -> e.kind() == BridgeError.Kind.PUBLISH_REFUSED));
    BridgeError refused =
        errors.stream()
            .filter(e -> e.kind() == BridgeError.Kind.PUBLISH_REFUSED)
            .findFirst()
            .orElseThrow();
    assertThat(refused.message())
        .contains("NATS bridge limited")
        .contains("AuthEvent.PONG")
        .contains("Permissions Violation")
        .contains(PREFIX + ".AuthEvent.PONG");
    assertThat(errors)
        .filteredOn(e -> e.kind() == BridgeError.Kind.PUBLISH_FAILED)
        .isNotEmpty(); // the first timeout, before the refusal was known to be final
    assertThat(localAtLimited).hasSize(1); // local delivery does not depend on the broker
    assertThat(limited.bridge().statistics().published()).isZero();
    assertThat(limited.bridge().statistics().refused()).isEqualTo(1);
    await().atMost(WAIT).until(() -> limited.bridge().statistics().pending() == 0);

    limited.bridge().close();
    assertThat(errors).noneMatch(e -> e.kind() == BridgeError.Kind.CLOSE_ABANDONED);
    assertThat(atAdmin).isEmpty();
    assertThat(admin.bridge().statistics().delivered()).isZero();
  }
}
