package org.jorchestrate.bench.nats;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Measures the NATS bridge across processes on loopback: throughput and latency from {@code emit}
 * on one node to the callback on another, through a nats-server with JetStream. Each measurement
 * runs {@link NatsMeasurement} in its own JVM against its own server and store; this class runs
 * them, prints the section of the report, and writes it to {@code <docs>/BENCHMARKS-nats.md} and
 * into {@code <docs>/BENCHMARKS.md} (replacing the section if there, else appending it). {@code
 * Suite} appends {@code BENCHMARKS-nats.md} whenever it regenerates {@code BENCHMARKS.md}, so the
 * section survives a run of {@code bench/run.sh}.
 *
 * <p>{@code java -cp benchmarks.jar org.jorchestrate.bench.nats.NatsBridgeBenchmark <docs dir>
 * [short|full]}; {@code bench/run-nats.sh} runs the short mode, about a minute.
 */
public final class NatsBridgeBenchmark {

  /** The heading of the section in {@code BENCHMARKS.md}. */
  static final String HEADING = "## Across processes: the NATS bridge on loopback";

  /** The file that keeps the section, appended by {@code Suite} to what it generates. */
  static final String SECTION_FILE = "BENCHMARKS-nats.md";

  private static final long[] RATES = {1_000, 10_000};

  /* The CPU seconds the measurements' JVMs and servers used, as they reported. */
  private static double childCpu;

  private NatsBridgeBenchmark() {}

  record Throughput(long events, double emitSeconds, double publishSeconds,
      double deliverSeconds) {}

  record Latency(long rate, double p50, double p99, double p999, double max, long count,
      double lateP99, double lateMax) {}

  /**
   * Runs the measurements and writes the report's section.
   *
   * @param args the docs directory (default {@code docs}), then {@code short} (default) or {@code
   *     full}
   * @throws Exception if a measurement cannot run or the files cannot be written
   */
  public static void main(String[] args) throws Exception {
    Path out = Path.of(args.length > 0 ? args[0] : "docs");
    boolean full = args.length > 1 && args[1].equals("full");
    long events = full ? 1_000_000 : 200_000;
    long warmupEvents = full ? 100_000 : 20_000;
    long warmupSeconds = full ? 5 : 3;
    long measureSeconds = full ? 30 : 10;
    String version = NatsServerProcess.version();
    System.out.println("nats-server " + version + " (" + NatsServerProcess.binary() + ")");
    long[] cpuBefore = machineCpu();
    double ownCpuBefore = processCpu();
    long start = System.nanoTime();

    List<String> failures = new ArrayList<>();
    Optional<String[]> t =
        measure(failures, "throughput", Long.toString(events), Long.toString(warmupEvents));
    Throughput throughput =
        t.map(f -> new Throughput(Long.parseLong(f[2]), Double.parseDouble(f[3]),
                Double.parseDouble(f[4]), Double.parseDouble(f[5])))
            .orElse(null);
    List<Latency> latencies = new ArrayList<>();
    for (long rate : RATES) {
      measure(failures, "latency", Long.toString(rate), Long.toString(warmupSeconds),
              Long.toString(measureSeconds))
          .ifPresent(
              f ->
                  latencies.add(
                      new Latency(Long.parseLong(f[2]), Double.parseDouble(f[3]),
                          Double.parseDouble(f[4]), Double.parseDouble(f[5]),
                          Double.parseDouble(f[6]), Long.parseLong(f[7]),
                          Double.parseDouble(f[8]), Double.parseDouble(f[9]))));
    }
    if (!failures.isEmpty() || throughput == null) {
      System.out.println("FAILED, docs left as they were:");
      failures.forEach(f -> System.out.println("  " + f));
      System.exit(1);
    }

    String minutes = String.format(Locale.ROOT, "%.1f", (System.nanoTime() - start) / 60e9);
    long[] cpuAfter = machineCpu();
    double ownCpu = childCpu + processCpu() - ownCpuBefore;
    double wall = (System.nanoTime() - start) / 1e9;
    int cores = Runtime.getRuntime().availableProcessors();
    double busy = (cpuAfter[0] - cpuBefore[0]) / 100.0; // USER_HZ
    double steal = (cpuAfter[1] - cpuBefore[1]) / 100.0;
    String load =
        cpuAfter[0] == 0
            ? "unknown (no /proc/stat)"
            : f("%.0f%% of the machine's CPU time (and the hypervisor stole %.0f%%)",
                Math.max(0, busy - ownCpu) * 100 / (wall * cores), steal * 100 / (wall * cores));
    System.out.println(f("benchmark CPU %.1f s, machine busy %.1f s, steal %.1f s over %.1f s x %d"
        + " cores", ownCpu, busy, steal, wall, cores));
    String section =
        section(throughput, latencies, full ? "full" : "short", minutes, version, load,
            warmupEvents, warmupSeconds, measureSeconds);
    System.out.println();
    System.out.print(section);
    Files.createDirectories(out);
    Files.writeString(out.resolve(SECTION_FILE), section);
    Path benchmarks = out.resolve("BENCHMARKS.md");
    String doc = Files.exists(benchmarks) ? Files.readString(benchmarks) : "# Benchmarks\n";
    Files.writeString(benchmarks, upsert(doc, section));
    System.out.println("Wrote " + out.resolve(SECTION_FILE) + " and its section of " + benchmarks);
    System.exit(0);
  }

  /* Runs one NatsMeasurement in a fresh JVM, echoing its output; returns its RESULT fields. */
  private static Optional<String[]> measure(List<String> failures, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of("-Xms1g", "-Xmx1g", "-cp", System.getProperty("java.class.path"),
        NatsMeasurement.class.getName()));
    command.addAll(List.of(args));
    String what = String.join(" ", args);
    System.out.println("== " + what);
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String result = null;
    String failure = null;
    try (BufferedReader lines =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = lines.readLine()) != null; ) {
        System.out.println("   " + line);
        if (line.startsWith("RESULT ")) {
          result = line;
        } else if (line.startsWith("FAIL ")) {
          failure = line.substring(5);
        } else if (line.startsWith("CPU ")) {
          childCpu += Double.parseDouble(line.substring(4));
        }
      }
    }
    if (!process.waitFor(5, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      failure = "did not end";
    }
    if (result == null || process.exitValue() != 0) {
      failures.add(what + ": " + (failure != null ? failure : "no result, exit " + process.exitValue()));
      return Optional.empty();
    }
    return Optional.of(result.split(" "));
  }

  private static String f(String pattern, Object... values) {
    return String.format(Locale.ROOT, pattern, values);
  }

  static String section(
      Throughput t,
      List<Latency> latencies,
      String mode,
      String minutes,
      String version,
      String load,
      long warmupEvents,
      long warmupSeconds,
      long measureSeconds) {
    StringBuilder md = new StringBuilder();
    md.append(HEADING).append("\n\n");
    md.append(f("Generated by `bench/run-nats.sh` (%s mode, %s minutes) on %s with nats-server %s"
            + " on %s, %d cores, %s, %s %s (%s), %s %s. The figures are"
            + " kept in [%s](%s), which `bench/run.sh` appends to this file when it regenerates"
            + " it. Other processes used %s during the run (a shared VM: figures taken while"
            + " other work ran are worse).%n%n",
        mode, minutes, LocalDate.now(), version, cpu(), Runtime.getRuntime().availableProcessors(),
        memory(), System.getProperty("os.name"), System.getProperty("os.version"),
        System.getProperty("os.arch"), System.getProperty("java.vm.name"), Runtime.version(),
        SECTION_FILE, SECTION_FILE, load));
    md.append("Two nodes, `sender` and `receiver`, each an `EventManager` (defaults) with its own"
        + " jnats connection and `NatsEventBridge` on the same stream and subject prefix, talk"
        + " through a nats-server child process (`-a 127.0.0.1 -js`, file store in a temporary"
        + " directory) on the same machine. Both nodes live in one JVM, so that sender and"
        + " receiver read the same `System.nanoTime()` clock; each measurement runs in its own"
        + " JVM against a fresh server. Every figure covers the whole path of an event with two"
        + " parameters (a `long` sequence number and a `nanoTime`): `emit` on the sender, JSON"
        + " encoding of its envelope, the publish to JetStream with file storage, acknowledged by"
        + " the server once stored (up to 256 publishes in flight, deduplicated by"
        + " `Nats-Msg-Id`), the receiver's pull consumer (batches of up to 256), decoding and the"
        + " exactly-once and order checks, re-emission on the receiver's manager, and the callback"
        + " on one of its workers; the acknowledgements and the receiver's deduplication marks (a"
        + " key-value write per batch) run alongside, and the sender's own consumer reads and"
        + " skips every event too. Broker, both nodes and the load generator share the machine's"
        + " cores.\n\n");

    md.append("### Throughput\n\n");
    md.append(f("One thread emits %,d events as fast as `emit` returns, after %,d warm-up"
            + " events; the outbox holds 2^20 events, so none overflowed, and the receiver's"
            + " callback saw each exactly once, in order (checked, else the run fails). Rates"
            + " from the first emit.%n%n",
        t.events(), warmupEvents));
    md.append("| figure | events/s | seconds |\n|---|---:|---:|\n");
    md.append(f("| delivered: until the receiver's callback ran for the last event | %,.0f | %.2f |%n",
        t.events() / t.deliverSeconds(), t.deliverSeconds()));
    md.append(f("| published: until the broker confirmed storing the last event (sender) | %,.0f"
            + " | %.2f |%n",
        t.events() / t.publishSeconds(), t.publishSeconds()));
    md.append(f("| accepted: until the last `emit` returned (encoded and queued to the outbox) |"
            + " %,.0f | %.2f |%n%n",
        t.events() / t.emitSeconds(), t.emitSeconds()));

    md.append("### Latency from emit on the sender to the callback on the receiver\n\n");
    md.append(f("One emitter at a fixed rate, %d s after %d s of warm-up. Each event carries the"
            + " time it was due on the schedule, not the time it was emitted, so an emitter"
            + " running late counts against the bridge (no coordinated omission); the last column"
            + " is how late the emitter itself woke up (`parkNanos`), included in the figures."
            + " Microseconds.%n%n",
        measureSeconds, warmupSeconds));
    md.append("| rate | p50 | p99 | p99.9 | max | events | emitter late, p99 |\n");
    md.append("|---:|---:|---:|---:|---:|---:|---:|\n");
    double capacity = t.events() / t.deliverSeconds();
    List<String> saturated = new ArrayList<>();
    for (Latency l : latencies) {
      md.append(f("| %,d/s | %,.0f | %,.0f | %,.0f | %,.0f | %,d | %,.0f |%n",
          l.rate(), l.p50(), l.p99(), l.p999(), l.max(), l.count(), l.lateP99()));
      if (l.rate() > capacity) {
        saturated.add(f("%,d/s", l.rate()));
      }
    }
    if (!saturated.isEmpty()) {
      md.append(f("%n%s exceeds the throughput measured above (%,.0f events/s): there the backlog"
              + " grows during the whole run, so those figures measure the queue (and grow with"
              + " the measurement's length), not the bridge's latency.%n",
          String.join(" and ", saturated), capacity));
    }
    return md.toString();
  }

  /*
   * Puts the section into the document: replaces an earlier one (from its heading to the next
   * second-level heading, or the end), else appends it.
   */
  static String upsert(String doc, String section) {
    List<String> lines = List.of(doc.split("\n", -1));
    int from = lines.indexOf(HEADING);
    if (from < 0) {
      return doc.stripTrailing() + "\n\n" + section;
    }
    int to = from + 1;
    while (to < lines.size() && !lines.get(to).startsWith("## ")) {
      to++;
    }
    StringBuilder result = new StringBuilder();
    for (String line : lines.subList(0, from)) {
      result.append(line).append('\n');
    }
    result.append(section);
    if (to < lines.size()) {
      result.append('\n').append(String.join("\n", lines.subList(to, lines.size())));
    }
    return result.toString();
  }

  private static double processCpu() {
    return ProcessHandle.current().info().totalCpuDuration().map(d -> d.toNanos() / 1e9)
        .orElse(0.0);
  }

  /* The machine's busy and stolen CPU time so far, in USER_HZ ticks, from /proc/stat; 0 if none. */
  private static long[] machineCpu() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      // cpu user nice system idle iowait irq softirq steal ...
      long busy = 0;
      for (int i : new int[] {1, 2, 3, 6, 7}) {
        busy += Long.parseLong(f[i]);
      }
      return new long[] {busy, Long.parseLong(f[8])};
    } catch (IOException | RuntimeException e) {
      return new long[] {0, 0};
    }
  }

  private static String cpu() {
    return proc("/proc/cpuinfo", "model name").orElse(System.getProperty("os.arch"));
  }

  private static String memory() {
    return proc("/proc/meminfo", "MemTotal")
        .map(kb -> f("%.1f GiB", Long.parseLong(kb.replaceAll("[^0-9]", "")) / (1024.0 * 1024.0)))
        .orElse("memory unknown");
  }

  private static Optional<String> proc(String file, String key) {
    try {
      return Files.readAllLines(Path.of(file)).stream()
          .filter(line -> line.startsWith(key))
          .map(line -> line.substring(line.indexOf(':') + 1).trim())
          .findFirst();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
