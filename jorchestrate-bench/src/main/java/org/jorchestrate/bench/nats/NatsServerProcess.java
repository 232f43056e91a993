package org.jorchestrate.bench.nats;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A nats-server with JetStream as a child process: {@code -a 127.0.0.1 -p <free port> -js -sd
 * <temporary directory>}, its output in a temporary log. The binary is {@code $NATS_SERVER}, else
 * {@code nats-server} on the PATH or in {@code /usr/sbin} or {@code /usr/local/bin}.
 */
final class NatsServerProcess implements AutoCloseable {

  private final Process process;
  private final Path store;
  private final Path log;
  private final int port;
  private final Thread killer;

  private NatsServerProcess(Process process, Path store, Path log, int port) {
    this.process = process;
    this.store = store;
    this.log = log;
    this.port = port;
    this.killer = new Thread(process::destroyForcibly, "nats-server-killer");
    Runtime.getRuntime().addShutdownHook(killer);
  }

  static String binary() {
    String configured = System.getenv("NATS_SERVER");
    if (configured != null && !configured.isBlank()) {
      return configured;
    }
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir :
        Stream.concat(Stream.of(path.split(File.pathSeparator)), Stream.of("/usr/sbin", "/usr/local/bin"))
            .toList()) {
      File file = new File(dir, "nats-server");
      if (!dir.isEmpty() && file.canExecute()) {
        return file.getPath();
      }
    }
    throw new IllegalStateException(
        "nats-server is not installed: run scripts/ensure-nats-server.sh (Debian: apt-get install"
            + " nats-server), or set NATS_SERVER to the binary's path");
  }

  /** Returns what {@code nats-server --version} prints, e.g. {@code nats-server: v2.9.10}. */
  static String version() throws IOException, InterruptedException {
    Process p = new ProcessBuilder(binary(), "--version").redirectErrorStream(true).start();
    String out;
    try (InputStream in = p.getInputStream()) {
      out = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
    }
    p.waitFor(10, TimeUnit.SECONDS);
    return out.replaceFirst("^nats-server:\\s*", "");
  }

  /** Starts a server on a free loopback port with a fresh store and waits until it listens. */
  static NatsServerProcess start() throws IOException, InterruptedException {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    Path store = Files.createTempDirectory("nats-bench-store-");
    Path log = Files.createTempFile("nats-bench-server-", ".log");
    List<String> command =
        List.of(binary(), "-a", "127.0.0.1", "-p", Integer.toString(port), "-js", "-sd",
            store.toString());
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    NatsServerProcess server = new NatsServerProcess(process, store, log, port);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        String tail = server.tail();
        server.close();
        throw new IllegalStateException("nats-server exited with " + process.exitValue() + ": "
            + tail);
      }
      try (Socket probe = new Socket(InetAddress.getLoopbackAddress(), port)) {
        if (probe.isConnected()) {
          return server;
        }
      } catch (IOException notYet) {
        Thread.sleep(20); // no readiness signal but the port; bounded by the deadline
      }
    }
    String tail = server.tail();
    server.close();
    throw new IllegalStateException("nats-server did not listen within 20 s: " + tail);
  }

  /** Returns the CPU time the server used so far, in seconds, or 0 if unknown. */
  double cpuSeconds() {
    return process.toHandle().info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(0.0);
  }

  String url() {
    return "nats://127.0.0.1:" + port;
  }

  String tail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** Stops the server (SIGTERM, then SIGKILL after 10 s) and deletes its store and log. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(killer);
    } catch (IllegalStateException shuttingDown) {
      // the hook runs anyway; the process is already gone
    }
    try (Stream<Path> files = Files.walk(store)) {
      files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
    } catch (IOException ignored) {
      // a temporary directory: the OS cleans it eventually
    }
    log.toFile().delete();
  }
}
