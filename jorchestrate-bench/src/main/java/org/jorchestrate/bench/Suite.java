package org.jorchestrate.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the whole comparison and writes {@code BENCHMARKS.md} plus its charts: throughput of every
 * contender in four scenarios from interleaved rounds ({@link RoundsHarness}, a JVM per scenario),
 * each contender's allocation per emission from JMH with {@code -prof gc}, the cost of emit itself
 * (JMH), and latency at fixed rates from {@link LatencyHarness}, each contender and rate in its own
 * JVM.
 *
 * <p>{@code java -cp benchmarks.jar org.jorchestrate.bench.Suite <output dir> [short|full]}; the
 * short mode fits in about ten minutes on two cores, which {@code bench/run.sh} runs.
 */
public final class Suite {

  private static final long[] RATES = {100_000, 1_000_000};

  private Suite() {}

  /**
   * The throughput of one contender in one scenario: deliveries per second in each interleaved
   * round (index r is round r + 1, measured within seconds of the other contenders' round r), the
   * process's CPU nanoseconds per delivery in each round, and the bytes one emission allocates
   * (JMH, {@code -prof gc}).
   */
  record Throughput(String contender, int listeners, int emitters, double[] rounds,
      double[] cpuPerDelivery, double[] crossCore, double bytesPerOp, List<String> failures) {
    double deliveriesPerSecond() {
      return median(rounds);
    }

    double cpuNanosPerDelivery() {
      return median(cpuPerDelivery);
    }

    double min() {
      return Arrays.stream(rounds).filter(v -> !Double.isNaN(v)).min().orElse(Double.NaN);
    }

    double max() {
      return Arrays.stream(rounds).filter(v -> !Double.isNaN(v)).max().orElse(Double.NaN);
    }
  }

  /** The median of the values that are not NaN (failed rounds); NaN if there are none. */
  static double median(double[] values) {
    double[] sorted = Arrays.stream(values).filter(v -> !Double.isNaN(v)).toArray();
    Arrays.sort(sorted);
    int n = sorted.length;
    if (n == 0) {
      return Double.NaN;
    }
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  /**
   * One latency measurement: percentiles in microseconds, and the cores the process kept busy
   * meanwhile (CPU time over elapsed time).
   */
  record Latency(String contender, long rate, double p50, double p99, double p999, double max,
      long count, double cores) {}

  /**
   * Runs the suite.
   *
   * @param args the output directory, then {@code short} (default) or {@code full}
   * @throws Exception if a benchmark cannot run
   */
  public static void main(String[] args) throws Exception {
    Path out = Path.of(args.length > 0 ? args[0] : "docs");
    boolean full = args.length > 1 && args[1].equals("full");
    Files.createDirectories(out);
    long start = System.nanoTime();

    List<Throughput> throughput = runThroughput(full);
    Map<String, Double> emitCost = runEmitCost(full);
    List<Latency> latency = new ArrayList<>();
    for (String contender : Contenders.LATENCY_NAMES) {
      for (long rate : RATES) {
        latency.add(runLatency(contender, rate, full ? 5 : 2, full ? 10 : 3));
      }
    }

    String minutes =
        String.format(Locale.ROOT, "%.1f", (System.nanoTime() - start) / 60e9);
    Report report = new Report(throughput, emitCost, latency, full ? "full" : "short", minutes);
    String markdown = report.markdown(out);
    Path nats = out.resolve("BENCHMARKS-nats.md"); // bench/run-nats.sh's section, kept across runs
    if (Files.exists(nats)) {
      markdown += "\n" + Files.readString(nats);
    }
    Files.writeString(out.resolve("BENCHMARKS.md"), markdown);
    report.charts(out);
    System.out.println("Wrote " + out.resolve("BENCHMARKS.md") + " in " + minutes + " min");
  }

  /*
   * Every measuring JVM's flags. A fixed heap, touched at start-up: without the pre-touch, each
   * 4 KB page of the young generation takes a page fault the first time it is allocated into (a
   * costly one on a VM), a tax in proportion to what a contender allocates that lasts until the
   * first pass through the young generation is over. Measured on the 2-core VM: ten listeners ran
   * at 1.0 M emissions/s for the first 8 s of a JVM and at 1.4-1.8 M from the start with the
   * pre-touch (docs/benchmark-changes.md).
   */
  static final String HEAP_MIN = "-Xms1g";

  static final String HEAP_MAX = "-Xmx1g";

  static final String PRE_TOUCH = "-XX:+AlwaysPreTouch";

  static final String[] JVM_FLAGS = {HEAP_MIN, HEAP_MAX, PRE_TOUCH};

  /*
   * The same heap, untouched, for the JMH forks that only count bytes allocated per emission,
   * which page faults do not change: pre-touching 1 GB takes 2.6 s per JVM on the 2-core VM, and
   * skipping it in these sixteen forks keeps the short suite well inside its ten minutes.
   */
  static final String[] ALLOCATION_ONLY_JVM_FLAGS = {HEAP_MIN, HEAP_MAX};

  private static OptionsBuilder common(boolean full) {
    OptionsBuilder options = new OptionsBuilder();
    options
        .forks(full ? 2 : 1)
        .warmupIterations(full ? 5 : 6) // JOrchestrate's drain loop needs ~5 s to reach C2
        .warmupTime(TimeValue.milliseconds(full ? 3000 : 1000))
        .measurementIterations(full ? 10 : 5)
        .measurementTime(TimeValue.milliseconds(full ? 2000 : 1000))
        .addProfiler(GCProfiler.class)
        .jvmArgsAppend(JVM_FLAGS)
        .shouldFailOnError(false); // a peer that fails (say, loses a delivery) leaves an n/a
    return options;
  }

  /*
   * Throughput from interleaved rounds (RoundsHarness, a JVM per scenario), with each contender's
   * allocation per emission from a JMH run with -prof gc (one emitter; an emission allocates the
   * same with two).
   */
  private static List<Throughput> runThroughput(boolean full)
      throws RunnerException, IOException, InterruptedException {
    int rounds = full ? 10 : 5;
    Map<String, Double> bytes = runAllocation(full);
    List<Throughput> results = new ArrayList<>();
    for (int[] scenario : Report.SCENARIOS) {
      int listeners = scenario[0];
      int emitters = scenario[1];
      Map<String, List<String>> failures = new LinkedHashMap<>();
      Map<String, double[]> cpu = new LinkedHashMap<>();
      Map<String, double[]> crossCore = new LinkedHashMap<>();
      Map<String, double[]> measured =
          runRounds(
              listeners,
              emitters,
              rounds,
              full ? 1000 : 300,
              full ? 2000 : 800,
              cpu,
              crossCore,
              failures);
      for (String contender : Contenders.NAMES) {
        double[] perRound = measured.getOrDefault(contender, new double[0]);
        results.add(
            new Throughput(
                contender,
                listeners,
                emitters,
                perRound,
                cpu.getOrDefault(contender, new double[0]),
                crossCore.getOrDefault(contender, new double[0]),
                bytes.getOrDefault(contender + "/" + listeners, Double.NaN),
                failures.getOrDefault(contender, List.of())));
      }
    }
    return results;
  }

  private static Map<String, double[]> runRounds(
      int listeners,
      int emitters,
      int rounds,
      int warmupMillis,
      int measureMillis,
      Map<String, double[]> cpu,
      Map<String, double[]> crossCore,
      Map<String, List<String>> failures)
      throws IOException, InterruptedException {
    Map<String, double[]> measured = new LinkedHashMap<>();
    for (String line :
        runJava(
            RoundsHarness.class,
            Integer.toString(listeners),
            Integer.toString(emitters),
            Integer.toString(rounds),
            Integer.toString(warmupMillis),
            Integer.toString(measureMillis))) {
      if (line.startsWith("ROUND ")) {
        String[] f = line.split(" ");
        double[] perRound = measured.computeIfAbsent(f[1], k -> new double[rounds]);
        perRound[Integer.parseInt(f[2]) - 1] = Double.parseDouble(f[3]);
        cpu.computeIfAbsent(f[1], k -> new double[rounds])[Integer.parseInt(f[2]) - 1] =
            Double.parseDouble(f[4]);
        crossCore.computeIfAbsent(f[1], k -> new double[rounds])[Integer.parseInt(f[2]) - 1] =
            Double.parseDouble(f[5]);
      } else if (line.startsWith("FAILED ")) {
        String[] f = line.split(" ", 4);
        String round = f[2].equals("0") ? "warm-up round" : "round " + f[2];
        failures.computeIfAbsent(f[1], k -> new ArrayList<>()).add(round + ": " + f[3]);
        System.out.println(line);
      }
    }
    System.out.println(
        "rounds, " + listeners + " listeners, " + emitters + " emitters: " + measured.size()
            + " contenders");
    return measured;
  }

  private static Map<String, Double> runAllocation(boolean full) throws RunnerException {
    OptionsBuilder options = common(full);
    if (!full) {
      options.warmupIterations(3).measurementIterations(2);
    }
    options.include(ThroughputBenchmark.class.getName() + "\\.oneEmitter");
    options.jvmArgsAppend(ALLOCATION_ONLY_JVM_FLAGS); // replaces common()'s: JMH sets, not adds
    Map<String, Double> bytes = new LinkedHashMap<>();
    for (RunResult run : new Runner(options.build()).run()) {
      BenchmarkParams params = run.getParams();
      Result<?> allocation = run.getSecondaryResults().get("gc.alloc.rate.norm");
      bytes.put(
          params.getParam("contender") + "/" + params.getParam("listeners"),
          allocation == null ? Double.NaN : allocation.getScore());
    }
    return bytes;
  }

  private static Map<String, Double> runEmitCost(boolean full) throws RunnerException {
    Options options =
        common(full).include(EmitCostBenchmark.class.getName() + "\\.").build();
    Collection<RunResult> runs = new Runner(options).run();
    Map<String, Double> figures = new LinkedHashMap<>();
    for (RunResult run : runs) {
      String method = run.getParams().getBenchmark();
      method = method.substring(method.lastIndexOf('.') + 1);
      figures.put(method + ".ns", run.getPrimaryResult().getScore());
      Result<?> allocation = run.getSecondaryResults().get("gc.alloc.rate.norm");
      if (allocation != null) {
        figures.put(method + ".bytes", allocation.getScore());
      }
    }
    return figures;
  }

  private static Latency runLatency(String contender, long rate, int warmup, int measure)
      throws IOException, InterruptedException {
    String result = null;
    for (String line :
        runJava(
            LatencyHarness.class,
            contender,
            Long.toString(rate),
            Integer.toString(warmup),
            Integer.toString(measure))) {
      if (line.startsWith("RESULT ")) {
        result = line;
      }
    }
    if (result == null) {
      System.out.println("latency of " + contender + " at " + rate + "/s: no result");
      return new Latency(
          contender, rate, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0, Double.NaN);
    }
    String[] f = result.split(" ");
    Latency latency =
        new Latency(
            contender,
            rate,
            Double.parseDouble(f[3]),
            Double.parseDouble(f[4]),
            Double.parseDouble(f[5]),
            Double.parseDouble(f[6]),
            Long.parseLong(f[7]),
            Double.parseDouble(f[8]));
    System.out.println("latency " + latency);
    return latency;
  }

  /* Runs a harness's main in a JVM of its own, with JMH's heap settings; returns its output. */
  private static List<String> runJava(Class<?> main, String... args)
      throws IOException, InterruptedException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> command = new ArrayList<>();
    command.add(java.toString());
    command.addAll(List.of(JVM_FLAGS));
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    List<String> output = new ArrayList<>();
    try (BufferedReader lines =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = lines.readLine()) != null; ) {
        output.add(line);
      }
    }
    if (!process.waitFor(10, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new IOException(main.getSimpleName() + " did not finish within 10 minutes");
    }
    if (process.exitValue() != 0) {
      throw new IOException(
          main.getSimpleName() + " " + String.join(" ", args) + " failed: " + output);
    }
    return output;
  }

  static String today() {
    return LocalDate.now().toString();
  }
}
