package org.jorchestrate.bench.nats;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jorchestrate.events.EventManager;
import org.jorchestrate.nats.BridgeError;
import org.jorchestrate.nats.NatsEventBridge;

/**
 * A nats-server child process and two nodes, {@code sender} and {@code receiver}, in this JVM:
 * each its own {@link EventManager} (default settings), jnats connection and {@link
 * NatsEventBridge}, on the same stream and subject prefix, bridging {@link NatsBenchEvent}.
 */
final class Loopback implements AutoCloseable {

  static final String STREAM = "JORCH_BENCH";
  static final String PREFIX = "jorchbench";

  final EventManager senderEvents;
  final EventManager receiverEvents;
  final NatsEventBridge sender;
  final NatsEventBridge receiver;
  final NatsServerProcess server;
  private final AtomicLong bridgeErrors = new AtomicLong();
  private final AtomicReference<String> firstError = new AtomicReference<>();
  /* Closed in reverse order: bridges, then managers and connections, then the server. */
  private final List<AutoCloseable> resources = new ArrayList<>();

  private Loopback(int outboxCapacity) throws IOException, InterruptedException {
    server = NatsServerProcess.start();
    resources.add(server);
    try {
      Connection senderConnection = connect(server, "sender");
      Connection receiverConnection = connect(server, "receiver");
      senderEvents = manager("sender");
      receiverEvents = manager("receiver");
      sender = bridge(senderEvents, senderConnection, "sender", outboxCapacity);
      receiver = bridge(receiverEvents, receiverConnection, "receiver", outboxCapacity);
    } catch (IOException | InterruptedException | RuntimeException e) {
      close();
      throw e;
    }
  }

  /**
   * Starts the server and both nodes.
   *
   * @param outboxCapacity the bridges' outgoing buffer
   * @return the running pair
   */
  static Loopback start(int outboxCapacity) throws IOException, InterruptedException {
    return new Loopback(outboxCapacity);
  }

  private Connection connect(NatsServerProcess server, String name)
      throws IOException, InterruptedException {
    Connection connection =
        Nats.connect(
            new Options.Builder()
                .server(server.url())
                .connectionName(name)
                .connectionTimeout(Duration.ofSeconds(5))
                .build());
    resources.add(connection);
    return connection;
  }

  private EventManager manager(String name) {
    EventManager manager = EventManager.builder().name(name).shutdownHook(false).build();
    resources.add(manager);
    return manager;
  }

  private NatsEventBridge bridge(
      EventManager manager, Connection connection, String nodeId, int outboxCapacity) {
    NatsEventBridge bridge =
        NatsEventBridge.builder()
            .eventManager(manager)
            .connection(connection)
            .stream(STREAM)
            .subjectPrefix(PREFIX)
            .nodeId(nodeId)
            .events(NatsBenchEvent.class)
            .outboxCapacity(outboxCapacity)
            .errorHandler(this::onError)
            .build();
    resources.add(bridge);
    return bridge;
  }

  private void onError(BridgeError error) {
    bridgeErrors.incrementAndGet();
    firstError.compareAndSet(null, error.kind() + ": " + error.message());
    System.err.println("bridge error " + error.kind() + ": " + error.message());
  }

  /** Returns how many errors the bridges reported. */
  long bridgeErrors() {
    return bridgeErrors.get();
  }

  /** Returns the first error the bridges reported, or null. */
  String firstError() {
    return firstError.get();
  }

  @Override
  public void close() {
    List<AutoCloseable> reversed = new ArrayList<>(resources);
    Collections.reverse(reversed);
    for (AutoCloseable resource : reversed) {
      try {
        resource.close();
      } catch (Exception e) {
        System.err.println("closing " + resource + ": " + e);
      }
    }
    resources.clear();
  }
}
