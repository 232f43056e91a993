package org.jorchestrate.nats.testing;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A real nats-server with JetStream, run as a child process on loopback, so that tests can kill
 * it with SIGKILL ({@link #kill()}) and start it again on the same port and store ({@link
 * #start()}). The binary is {@code $NATS_SERVER}, else {@code nats-server} on the PATH; without
 * it the test fails, saying how to install it (the build's scripts/ensure-nats-server.sh does).
 */
public final class NatsServer implements AutoCloseable {

  private final int port;
  private final Path storeDir;
  private final List<String> extraArgs;
  private final Path log;
  private Process process;

  private NatsServer(int port, Path storeDir, List<String> extraArgs) throws IOException {
    this.port = port;
    this.storeDir = storeDir;
    this.extraArgs = extraArgs;
    this.log = Files.createTempFile("nats-server-" + port + "-", ".log");
  }

  /**
   * Starts a server on a free loopback port with a fresh store.
   *
   * @param extraArgs more nats-server arguments, e.g. {@code --auth secret}
   * @return the running server
   */
  public static NatsServer launch(String... extraArgs) {
    try {
      NatsServer server =
          new NatsServer(freePort(), Files.createTempDirectory("nats-store-"), List.of(extraArgs));
      server.start();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Starts a server on a free loopback port with a fresh store, reading the given nats-server
   * configuration (e.g. an {@code authorization} block) from a temporary file passed as {@code -c
   * <file>}. The port, JetStream and its store still come from the command line, which overrides
   * the file.
   *
   * @param configText the text of a nats-server configuration file
   * @param extraArgs more nats-server arguments
   * @return the running server
   */
  public static NatsServer launchWithConfig(String configText, String... extraArgs) {
    try {
      Path config = Files.createTempFile("nats-server-", ".conf");
      config.toFile().deleteOnExit();
      Files.writeString(config, configText);
      List<String> args = new ArrayList<>(List.of("-c", config.toString()));
      args.addAll(List.of(extraArgs));
      NatsServer server =
          new NatsServer(freePort(), Files.createTempDirectory("nats-store-"), List.copyOf(args));
      server.start();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static String binary() {
    String configured = System.getenv("NATS_SERVER");
    if (configured != null && !configured.isBlank()) {
      return configured;
    }
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      for (String candidate : List.of(dir, "/usr/sbin", "/usr/local/bin")) {
        File file = new File(candidate, "nats-server");
        if (file.canExecute()) {
          return file.getPath();
        }
      }
    }
    throw new IllegalStateException(
        "nats-server is not installed, and the NATS tests start real brokers. Install it with"
            + " scripts/ensure-nats-server.sh (Debian: sudo apt-get update && sudo apt-get"
            + " install -y nats-server), or set NATS_SERVER to the binary's path");
  }

  /** Starts (or restarts, after {@link #kill()}) the server on the same port and store. */
  public synchronized void start() {
    if (process != null && process.isAlive()) {
      return;
    }
    List<String> command = new ArrayList<>();
    command.add(binary());
    command.addAll(List.of("-a", "127.0.0.1", "-p", Integer.toString(port), "-js", "-sd",
        storeDir.toString()));
    command.addAll(extraArgs);
    if (System.getenv("NATS_TRACE") != null) {
      command.add(System.getenv("NATS_TRACE").equals("debug") ? "-D" : "-DV"); // into its log
    }
    try {
      process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + command, e);
    }
    Process started = process;
    try {
      Awaitility.await("nats-server on port " + port)
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(20))
          .until(() -> listening(started));
    } catch (ConditionTimeoutException e) {
      throw new IllegalStateException("nats-server did not listen within 20 s: " + tail(), e);
    }
  }

  private boolean listening(Process started) {
    if (!started.isAlive()) {
      throw new IllegalStateException(
          "nats-server exited with " + started.exitValue() + ": " + tail());
    }
    try (Socket probe = new Socket(InetAddress.getLoopbackAddress(), port)) {
      return probe.isConnected();
    } catch (IOException notYet) {
      return false;
    }
  }

  /** Kills the server with SIGKILL, as a crash would, and waits until it is gone. */
  public synchronized void kill() {
    if (process == null) {
      return;
    }
    process.destroyForcibly();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("nats-server survived SIGKILL for 10 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public int port() {
    return port;
  }

  public String url() {
    return "nats://127.0.0.1:" + port;
  }

  public boolean isRunning() {
    return process != null && process.isAlive();
  }

  /**
   * Connects with options that suit the tests: reconnect forever, quickly.
   *
   * @param configure more options (auth...), may be null
   * @return a connected connection
   */
  public Connection connect(java.util.function.UnaryOperator<Options.Builder> configure) {
    Options.Builder options =
        new Options.Builder()
            .server(url())
            .maxReconnects(-1)
            .reconnectWait(Duration.ofMillis(100))
            .connectionTimeout(Duration.ofSeconds(5))
            .errorListener(new LoggingErrorListener())
            .connectionListener(
                (conn, type) ->
                    org.slf4j.LoggerFactory.getLogger("nats-client").info("connection {}", type));
    try {
      return Nats.connect(configure.apply(options).build());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public Connection connect() {
    return connect(b -> b);
  }

  public String tail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public synchronized void close() {
    kill();
    try (var files = Files.walk(storeDir)) {
      files.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
    } catch (IOException ignored) {
      // a temp dir: the OS cleans it eventually
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
