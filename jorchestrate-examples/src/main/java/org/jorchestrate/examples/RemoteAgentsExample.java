package org.jorchestrate.examples;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jorchestrate.agent.Agent;
import org.jorchestrate.agent.AgentStateEvent;
import org.jorchestrate.events.EventManager;
import org.jorchestrate.nats.NatsEventBridge;
import org.jorchestrate.orchestrator.EventHistory;
import org.jorchestrate.orchestrator.Orchestrator;

/**
 * Events across processes: an orchestrator's agents run in one JVM, and a control process follows
 * them from another, through a NATS JetStream broker that the example starts itself (the {@code
 * nats-server} binary must be installed: {@code scripts/ensure-nats-server.sh}).
 *
 * <p>Run it with {@code mvn -q -pl jorchestrate-examples -am compile exec:java
 * -Dexec.mainClass=org.jorchestrate.examples.RemoteAgentsExample}.
 *
 * <p>The control process registers ordinary callbacks for {@link AgentStateEvent}s on its own
 * manager; its bridge re-emits the events the agents' process publishes, with their original
 * times and an {@code origin_node} parameter.
 */
public final class RemoteAgentsExample {

  private static final int AGENTS = 3;

  private RemoteAgentsExample() {}

  /**
   * Runs the control process (no argument), or the agents' process ({@code agents <url>}).
   *
   * @param args see above
   * @throws Exception if the broker or the agents' process cannot be started
   */
  public static void main(String[] args) throws Exception {
    if (args.length == 2 && args[0].equals("agents")) {
      runAgents(args[1]);
    } else {
      runControl(System.out);
    }
  }

  @SuppressWarnings("try") // jnats' Connection.close() may throw InterruptedException: fine here
  static void runControl(PrintStream out) throws Exception {
    Path store = Files.createTempDirectory("jorchestrate-example-nats-");
    int port = freePort();
    Process broker =
        new ProcessBuilder(
                natsServer(), "-a", "127.0.0.1", "-p", Integer.toString(port), "-js", "-sd",
                store.toString())
            .redirectErrorStream(true)
            .redirectOutput(store.resolve("nats-server.log").toFile())
            .start();
    Process agents = null;
    try {
      String url = "nats://127.0.0.1:" + port;
      awaitListening(port, broker);
      CountDownLatch terminated = new CountDownLatch(AGENTS);
      try (Connection connection = Nats.connect(options(url));
          EventManager events = EventManager.builder().name("control").build();
          EventHistory history = EventHistory.attachTo(events)) {
        events.registerEvent(
            AgentStateEvent.READY,
            e -> out.println("[" + e.get("origin_node") + "] " + e.get("agent_name")
                + " ready at " + e.eventTime()));
        events.registerEvent(
            AgentStateEvent.TERMINATED,
            e -> {
              out.println("[" + e.get("origin_node") + "] " + e.get("agent_name") + " terminated ("
                  + e.get("state") + ") at " + e.eventTime());
              terminated.countDown();
            });
        try (NatsEventBridge bridge =
            NatsEventBridge.builder()
                .eventManager(events)
                .connection(connection)
                .stream("EXAMPLE")
                .subjectPrefix("example")
                .nodeId("control")
                .events(AgentStateEvent.class)
                .build()) {
          agents =
              new ProcessBuilder(
                      javaExecutable(), "-cp", classPath(), RemoteAgentsExample.class.getName(),
                      "agents", url)
                  .inheritIO()
                  .start();
          if (!terminated.await(60, TimeUnit.SECONDS)) {
            out.println("the agents' process did not report every agent within 60 s");
          }
          out.println("control saw " + history.byType(AgentStateEvent.STARTED).size()
              + " agents start and " + (AGENTS - terminated.getCount())
              + " terminate, all from another process; bridge: " + bridge.statistics());
        }
      }
      if (agents != null && !agents.waitFor(30, TimeUnit.SECONDS)) {
        agents.destroyForcibly();
      }
    } finally {
      if (agents != null) {
        agents.destroyForcibly();
      }
      broker.destroyForcibly();
      broker.waitFor(10, TimeUnit.SECONDS);
      deleteRecursively(store.toFile());
    }
  }

  @SuppressWarnings("try") // as above
  static void runAgents(String url) throws Exception {
    try (Connection connection = Nats.connect(options(url));
        Orchestrator orchestrator = Orchestrator.builder().name("agents").build()) {
      try (NatsEventBridge bridge =
          NatsEventBridge.builder()
              .eventManager(orchestrator.eventManager())
              .connection(connection)
              .stream("EXAMPLE")
              .subjectPrefix("example")
              .nodeId("agents")
              .events(AgentStateEvent.class)
              .build()) {
        for (int i = 1; i <= AGENTS; i++) {
          long workMillis = 100L * i;
          orchestrator.register(
              new Agent("worker-" + i) {
                @Override
                protected void execute() throws InterruptedException {
                  Thread.sleep(workMillis); // the agent's work
                }
              });
        }
        orchestrator.run(); // every agent ran; its events were delivered locally
      } // close() sends every accepted event before returning
    }
  }

  private static Options options(String url) {
    return new Options.Builder()
        .server(url)
        .connectionTimeout(Duration.ofSeconds(5))
        .maxReconnects(-1)
        .build();
  }

  private static String natsServer() {
    for (String dir : (System.getenv().getOrDefault("PATH", "") + File.pathSeparator
            + "/usr/sbin" + File.pathSeparator + "/usr/local/bin").split(File.pathSeparator)) {
      File candidate = new File(dir, "nats-server");
      if (candidate.canExecute()) {
        return candidate.getPath();
      }
    }
    throw new IllegalStateException(
        "this example starts a NATS broker and needs the nats-server binary: run"
            + " scripts/ensure-nats-server.sh (Debian: apt-get install nats-server)");
  }

  private static void awaitListening(int port, Process broker) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      if (!broker.isAlive()) {
        throw new IllegalStateException("nats-server exited with " + broker.exitValue());
      }
      try (Socket probe = new Socket(InetAddress.getLoopbackAddress(), port)) {
        if (probe.isConnected()) {
          return;
        }
      } catch (IOException notYet) {
        Thread.sleep(20); // polling the broker's port until it listens, at most 20 s
      }
    }
    throw new IllegalStateException("nats-server did not listen within 20 s");
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static String javaExecutable() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /* The classpath of this class's loader (exec:java runs it in a loader of its own). */
  private static String classPath() {
    List<String> entries = new ArrayList<>();
    for (ClassLoader loader = RemoteAgentsExample.class.getClassLoader();
        loader != null;
        loader = loader.getParent()) {
      if (loader instanceof URLClassLoader urls) {
        for (URL url : urls.getURLs()) {
          if ("file".equals(url.getProtocol())) {
            entries.add(new File(url.getPath()).getPath());
          }
        }
      }
    }
    return entries.isEmpty()
        ? System.getProperty("java.class.path")
        : String.join(File.pathSeparator, entries);
  }

  private static void deleteRecursively(File file) {
    File[] children = file.listFiles();
    if (children != null) {
      for (File child : children) {
        deleteRecursively(child);
      }
    }
    if (!file.delete()) {
      file.deleteOnExit();
    }
  }
}
