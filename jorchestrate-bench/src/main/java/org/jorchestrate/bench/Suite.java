package org.jorchestrate.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
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
 * Runs the whole comparison and writes {@code BENCHMARKS.md} plus its charts: JMH throughput of
 * every contender in four scenarios (with allocation from {@code -prof gc}), the cost of emit
 * itself, and latency at fixed rates from {@link LatencyHarness}, each contender in its own JVM.
 *
 * <p>{@code java -cp benchmarks.jar org.jorchestrate.bench.Suite <output dir> [short|full]}; the
 * short mode fits in about ten minutes on two cores, which {@code bench/run.sh} runs.
 */
public final class Suite {

  private static final long[] RATES = {100_000, 1_000_000};

  private Suite() {}

  /** One throughput figure. */
  record Throughput(String contender, int listeners, int emitters, double opsPerSecond,
      double error, double bytesPerOp) {
    double deliveriesPerSecond() {
      return opsPerSecond * listeners;
    }
  }

  /** One latency figure, in microseconds. */
  record Latency(String contender, long rate, double p50, double p99, double p999, double max,
      long count) {}

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
    for (String contender : Contenders.NAMES) {
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

  private static OptionsBuilder common(boolean full) {
    OptionsBuilder options = new OptionsBuilder();
    options
        .forks(full ? 2 : 1)
        .warmupIterations(full ? 5 : 6) // JOrchestrate's drain loop needs ~5 s to reach C2
        .warmupTime(TimeValue.milliseconds(full ? 3000 : 1000))
        .measurementIterations(full ? 10 : 5)
        .measurementTime(TimeValue.milliseconds(full ? 2000 : 1000))
        .addProfiler(GCProfiler.class)
        .jvmArgsAppend("-Xms1g", "-Xmx1g")
        .shouldFailOnError(true);
    return options;
  }

  private static List<Throughput> runThroughput(boolean full) throws RunnerException {
    Options options =
        common(full).include(ThroughputBenchmark.class.getName() + "\\.").build();
    List<Throughput> results = new ArrayList<>();
    for (RunResult run : new Runner(options).run()) {
      BenchmarkParams params = run.getParams();
      Result<?> primary = run.getPrimaryResult();
      Result<?> allocation = run.getSecondaryResults().get("gc.alloc.rate.norm");
      results.add(
          new Throughput(
              params.getParam("contender"),
              Integer.parseInt(params.getParam("listeners")),
              params.getThreads(),
              primary.getScore(),
              primary.getScoreError(),
              allocation == null ? Double.NaN : allocation.getScore()));
    }
    return results;
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
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process process =
        new ProcessBuilder(
                java.toString(),
                "-Xms1g",
                "-Xmx1g",
                "-cp",
                System.getProperty("java.class.path"),
                LatencyHarness.class.getName(),
                contender,
                Long.toString(rate),
                Integer.toString(warmup),
                Integer.toString(measure))
            .redirectErrorStream(true)
            .start();
    String result = null;
    try (BufferedReader lines =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = lines.readLine()) != null; ) {
        if (line.startsWith("RESULT ")) {
          result = line;
        }
      }
    }
    if (!process.waitFor(10, TimeUnit.MINUTES) || result == null) {
      process.destroyForcibly();
      System.out.println("latency of " + contender + " at " + rate + "/s: no result");
      return new Latency(contender, rate, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0);
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
            Long.parseLong(f[7]));
    System.out.println("latency " + latency);
    return latency;
  }

  static String today() {
    return LocalDate.now().toString();
  }
}
