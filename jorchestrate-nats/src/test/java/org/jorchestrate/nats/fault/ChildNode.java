package org.jorchestrate.nats.fault;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A {@link FaultNode} running in its own JVM, watched through its stdout. */
final class ChildNode implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ChildNode.class);

  final String nodeId;
  final Path receivedFile;
  private final Process process;
  final AtomicLong sent = new AtomicLong();
  final AtomicLong received = new AtomicLong();
  volatile boolean started;
  volatile boolean done;
  volatile Map<String, Long> stats = Map.of();
  private final List<String> output = new ArrayList<>();

  private ChildNode(String nodeId, Path receivedFile, Process process) {
    this.nodeId = nodeId;
    this.receivedFile = receivedFile;
    this.process = process;
    Thread reader = new Thread(this::read, "child-" + nodeId + "-stdout");
    reader.setDaemon(true);
    reader.start();
  }

  static ChildNode start(
      String url,
      String stream,
      String nodeId,
      int count,
      int rate,
      long expect,
      Path receivedFile,
      long deadlineSeconds) {
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx256m",
            "-XX:+UseSerialGC",
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
            "-cp",
            System.getProperty("java.class.path"),
            FaultNode.class.getName(),
            url,
            stream,
            nodeId,
            Integer.toString(count),
            Integer.toString(rate),
            Long.toString(expect),
            receivedFile.toString(),
            Long.toString(deadlineSeconds));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      return new ChildNode(nodeId, receivedFile, process);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void read() {
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        synchronized (output) {
          output.add(line);
        }
        if (line.startsWith("SENT ")) {
          sent.set(Long.parseLong(line.substring(5)));
        } else if (line.startsWith("RECV ")) {
          received.set(Long.parseLong(line.substring(5)));
        } else if (line.equals("STARTED")) {
          started = true;
        } else if (line.startsWith("STATS ")) {
          Map<String, Long> parsed = new HashMap<>();
          for (String pair : line.substring(6).split(" ")) {
            String[] kv = pair.split("=");
            parsed.put(kv[0], Long.parseLong(kv[1]));
          }
          stats = parsed;
        } else if (line.equals("DONE")) {
          done = true;
        } else {
          LOG.info("[{}] {}", nodeId, line);
        }
      }
    } catch (IOException e) {
      LOG.debug("[{}] stdout closed: {}", nodeId, e.toString());
    }
  }

  /** Lets a node that was started to emit begin (see FaultNode). */
  void go() {
    try {
      process.getOutputStream().write("GO\n".getBytes(StandardCharsets.US_ASCII));
      process.getOutputStream().flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** SIGKILL, as a crash. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  int awaitExit(long seconds) throws InterruptedException {
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      throw new AssertionError(nodeId + " did not finish within " + seconds + " s; output:\n" + output());
    }
    return process.exitValue();
  }

  String output() {
    synchronized (output) {
      return String.join("\n", output.subList(Math.max(0, output.size() - 40), output.size()));
    }
  }

  /** The lines its callbacks wrote, as origin -> the received numbers in arrival order. */
  Map<String, List<Integer>> receivedByOrigin() throws IOException {
    Map<String, List<Integer>> byOrigin = new HashMap<>();
    for (String line : Files.readAllLines(receivedFile)) {
      if (line.isBlank()) {
        continue;
      }
      String[] parts = line.split(" ");
      byOrigin.computeIfAbsent(parts[0], k -> new ArrayList<>()).add(Integer.parseInt(parts[1]));
    }
    return byOrigin;
  }

  @Override
  public void close() {
    process.destroyForcibly(); // a no-op once it exited
  }
}
