package org.jorchestrate.bench;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.jorchestrate.bench.peers.JOrchestrateContender;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/** Turns the suite's figures into {@code BENCHMARKS.md} and two PNG charts (XChart). */
final class Report {

  static final String THROUGHPUT_CHART = "benchmarks-throughput.png";
  static final String LATENCY_CHART = "benchmarks-latency.png";
  private static final String CHANGES = "benchmark-changes.md";

  static final int[][] SCENARIOS = {{1, 1}, {10, 1}, {1, 2}, {10, 2}};

  static final String NOISE =
      "Measured in interleaved rounds (`RoundsHarness`, one JVM per scenario): each round runs"
          + " every contender once, back to back, in an order rotated from round to round, after"
          + " one unmeasured warm-up round. The speed of this shared VM drifts by up to 3× within"
          + " an hour; contenders measured one after the other over minutes (as a plain JMH run"
          + " does) would carry that drift into their ratios, while contenders of one round are"
          + " measured within seconds of each other. *deliveries/s* is the median over the"
          + " rounds, *range* the slowest and fastest round, and the ratio the median of the"
          + " per-round ratios. *CPU per delivery* is the CPU time the whole process spent while"
          + " measuring (every thread: the emitters', the contender's, the JVM's), divided by the"
          + " deliveries, median over the rounds: the machine's two cores give at most 2 s of CPU"
          + " per second, so a contender that leaves a core idle shows a lower figure than its"
          + " speed alone would give, and one that busy-waits a higher one. Before each turn the"
          + " harness also times a cache line's round trip between two threads (`CrossCoreProbe`):"
          + " on a VM the host places the two virtual CPUs on cores that share a cache (a round"
          + " trip under 100 ns) or on cores far apart (hundreds of nanoseconds), and may move"
          + " them from one minute to the next. Every handoff from an emitter"
          + " to a worker pays it, so a scenario's figures hold for the round trips printed under"
          + " its table."
          + " *B per emission* comes from JMH with `-prof gc`"
          + " (`ThroughputBenchmark`, one emitter, values boxed by the caller).\n\n";
  private static final String OURS = "jorchestrate";
  private static final String SPIN = "jorchestrate-spin";
  private static final String BARE = "bare-handoff";
  private static final long SPIN_MILLIS = JOrchestrateContender.LONG_IDLE_SPIN.toMillis();

  private final List<Suite.Throughput> throughput;
  private final Map<String, Double> emitCost;
  private final List<Suite.Latency> latency;
  private final String mode;
  private final String minutes;

  Report(
      List<Suite.Throughput> throughput,
      Map<String, Double> emitCost,
      List<Suite.Latency> latency,
      String mode,
      String minutes) {
    this.throughput = throughput;
    this.emitCost = emitCost;
    this.latency = latency;
    this.mode = mode;
    this.minutes = minutes;
  }

  private static String scenario(int listeners, int emitters) {
    return listeners + (listeners == 1 ? " listener, " : " listeners, ") + emitters
        + (emitters == 1 ? " emitter" : " emitters");
  }

  private Optional<Suite.Throughput> find(String contender, int listeners, int emitters) {
    return throughput.stream()
        .filter(t -> t.contender().equals(contender))
        .filter(t -> t.listeners() == listeners && t.emitters() == emitters)
        .findFirst();
  }

  private double deliveries(String contender, int listeners, int emitters) {
    return find(contender, listeners, emitters)
        .map(Suite.Throughput::deliveriesPerSecond)
        .orElse(Double.NaN);
  }

  /* The median over the rounds of JOrchestrate's deliveries divided by the contender's. */
  private double ratio(String contender, int listeners, int emitters) {
    Optional<Suite.Throughput> ours = find(OURS, listeners, emitters);
    Optional<Suite.Throughput> theirs = find(contender, listeners, emitters);
    if (ours.isEmpty() || theirs.isEmpty()) {
      return Double.NaN;
    }
    double[] a = ours.get().rounds();
    double[] b = theirs.get().rounds();
    double[] ratios = new double[Math.min(a.length, b.length)];
    for (int r = 0; r < ratios.length; r++) {
      ratios[r] = a[r] / b[r]; // NaN if either failed that round, which median leaves out
    }
    return Suite.median(ratios);
  }

  private Optional<Suite.Latency> latencyOf(String contender, long rate) {
    return latency.stream()
        .filter(l -> l.contender().equals(contender) && l.rate() == rate)
        .findFirst();
  }

  /* Appends one row of the target table; returns 1 if the target was met, else 0. */
  private static int row(StringBuilder md, String target, String measured, boolean met) {
    md.append("| ").append(target).append(" | ").append(measured).append(" | ")
        .append(met ? "yes" : "no").append(" |\n");
    return met ? 1 : 0;
  }

  /* The cross-core round trips measured before the turns of one scenario, as a sentence. */
  private String crossCoreLine(int listeners, int emitters) {
    return crossCoreRange(t -> t.listeners() == listeners && t.emitters() == emitters)
        .map(range -> "Cross-core round trip before the turns of this scenario: " + range + ".")
        .orElse("Cross-core round trip: not measured (one processor, or the probe timed out).");
  }

  /* "min–max ns, median m ns" over the turns of the selected throughput figures, if measured. */
  private Optional<String> crossCoreRange(Predicate<Suite.Throughput> which) {
    double[] all =
        throughput.stream()
            .filter(which)
            .flatMapToDouble(t -> Arrays.stream(t.crossCore()))
            .filter(v -> !Double.isNaN(v))
            .toArray();
    if (all.length == 0) {
      return Optional.empty();
    }
    return Optional.of(
        f(
            "%.0f–%.0f ns, median %.0f ns",
            Arrays.stream(all).min().orElseThrow(),
            Arrays.stream(all).max().orElseThrow(),
            Suite.median(all)));
  }

  private static String f(String pattern, Object... values) {
    return String.format(Locale.ROOT, pattern, values);
  }

  private static String millions(double perSecond) {
    return Double.isNaN(perSecond) ? "n/a" : f("%.2f M", perSecond / 1e6);
  }

  String markdown(Path out) throws IOException {
    StringBuilder md = new StringBuilder();
    md.append("# Benchmarks\n\n");
    md.append("Generated by `bench/run.sh` (").append(mode).append(" mode, ").append(minutes)
        .append(" minutes) on ").append(Suite.today()).append(". Absolute figures depend on the")
        .append(" machine; the ratios between contenders measured in one run are the point.\n\n");
    md.append("| machine | |\n|---|---|\n");
    md.append("| CPU | ").append(Machine.cpu()).append(" |\n");
    md.append("| cores | ").append(Runtime.getRuntime().availableProcessors()).append(" |\n");
    md.append("| memory | ").append(Machine.memory()).append(" |\n");
    md.append("| OS | ").append(System.getProperty("os.name")).append(' ')
        .append(System.getProperty("os.version")).append(" (").append(System.getProperty("os.arch"))
        .append(") |\n");
    md.append("| JDK | ").append(System.getProperty("java.vm.name")).append(' ')
        .append(Runtime.version()).append(" |\n\n");

    md.append("## Contenders\n\n");
    md.append("All in the same run, each pooled one on a pool of as many threads as cores (")
        .append(Contenders.CORES).append(" here):\n\n");
    md.append("- `jorchestrate`: `new EventManager()`, the defaults (pool of cores + 4);\n");
    md.append("- `jorchestrate-cores`: `new EventManager(cores)`;\n");
    md.append("- `jorchestrate-spin` (latency runs only): `EventManager.builder().idleSpin("
        + "Duration.ofMillis(" + SPIN_MILLIS + "))`, a worker that caught up watching up to that"
        + " long for the next event before it parks (the default: up to 50 µs);\n");
    md.append("- `naive-port`: the specification ported naively: one `executor.submit` per callback"
        + " per emission, a `HashMap` of parameters and both ISO timestamps formatted per"
        + " emission;\n");
    md.append("- `guava-async`: Guava `AsyncEventBus` with plain `@Subscribe` listeners;\n");
    md.append("- `greenrobot-async`: greenrobot EventBus, `ThreadMode.ASYNC`;\n");
    md.append("- `disruptor-blocking` / `disruptor-yielding`: LMAX Disruptor 4, one handler (and"
        + " thread) per listener, multi-producer ring of 65,536 slots, `BlockingWaitStrategy` /"
        + " `YieldingWaitStrategy`;\n");
    md.append("- `submission-publisher`: the JDK's `SubmissionPublisher`, one subscriber per"
        + " listener.\n\n");
    md.append("Each emission carries two parameters (a `long` and the emitter's sink); each"
        + " listener reads both and reports on a counter of its own. An emission counts only once"
        + " all its callbacks ran: each emitting thread emits a batch of ")
        .append(ThroughputBenchmark.BATCH)
        .append(" and waits until every listener reported every one. The Disruptor and"
            + " SubmissionPublisher offer no error isolation, no named parameters and no"
            + " timestamps; JOrchestrate keeps all of the specification's guarantees. Every JVM"
            + " whose timings are reported runs with `")
        .append(String.join(" ", Suite.JVM_FLAGS))
        .append("`: a fixed heap, touched at start-up, so that no contender pays page faults for"
            + " fresh heap pages while it is measured (the JMH forks that only count bytes"
            + " allocated skip the pre-touch).\n\n");

    md.append("![Deliveries per second](").append(THROUGHPUT_CHART).append(")\n\n");
    md.append("## Throughput: deliveries per second\n\n");
    md.append(NOISE);
    for (int[] s : SCENARIOS) {
      md.append("### ").append(scenario(s[0], s[1])).append("\n\n");
      md.append("| contender | deliveries/s | range | jorchestrate ÷ contender | CPU per delivery"
          + " | B per emission |\n");
      md.append("|---|---:|---:|---:|---:|---:|\n");
      for (String contender : Contenders.NAMES) {
        Optional<Suite.Throughput> t = find(contender, s[0], s[1]);
        if (t.isEmpty()) {
          md.append("| ").append(contender).append(" | n/a | | | | |\n");
          continue;
        }
        double theirs = t.get().deliveriesPerSecond();
        md.append("| ").append(contender).append(" | ").append(millions(theirs)).append(" | ")
            .append(f("%.2f–%.2f M", t.get().min() / 1e6, t.get().max() / 1e6)).append(" | ")
            .append(f("%.2f×", ratio(contender, s[0], s[1]))).append(" | ")
            .append(f("%.0f ns", t.get().cpuNanosPerDelivery())).append(" | ")
            .append(Double.isNaN(t.get().bytesPerOp()) ? "n/a" : f("%.0f", t.get().bytesPerOp()))
            .append(" |\n");
      }
      md.append('\n').append(crossCoreLine(s[0], s[1])).append("\n\n");
      if (Contenders.NAMES.stream()
          .anyMatch(c -> find(c, s[0], s[1]).filter(t -> Double.isNaN(t.bytesPerOp())).isPresent())) {
        md.append("*n/a*: that contender's JMH allocation run failed; the suite's output says why.\n\n");
      }
      for (String contender : Contenders.NAMES) {
        find(contender, s[0], s[1])
            .filter(t -> !t.failures().isEmpty())
            .ifPresent(
                t ->
                    md.append("**")
                        .append(contender)
                        .append(" failed** (its rounds are left out): ")
                        .append(String.join("; ", t.failures()))
                        .append("\n\n"));
      }
    }

    md.append("## Cost of emit\n\n");
    md.append("| figure | value |\n|---|---:|\n");
    md.append("| emit to an event with no subscriber | ")
        .append(f("%.1f ns", emitCost.getOrDefault("emitNoSubscriber.ns", Double.NaN)))
        .append(" |\n");
    md.append("| baseline (a call returning a constant) | ")
        .append(f("%.1f ns", emitCost.getOrDefault("baseline.ns", Double.NaN))).append(" |\n");
    md.append("| bytes allocated per emission, 1 listener, `Emission` ignored, preboxed values | ")
        .append(f("%.2f B", emitCost.getOrDefault("emitOneListener.bytes", Double.NaN)))
        .append(" |\n");
    md.append("| time per emission incl. its delivery, 1 listener | ")
        .append(f("%.0f ns", emitCost.getOrDefault("emitOneListener.ns", Double.NaN)))
        .append(" |\n\n");

    md.append("![p99 latency](").append(LATENCY_CHART).append(")\n\n");
    md.append("## Latency from emit to callback\n\n");
    md.append("One listener, one emitter at a fixed rate, in bursts every 100 µs (10 emissions at"
        + " 100 k/s, 100 at 1 M/s) with the emitter parked in between; each emission carries the"
        + " `System.nanoTime()` read just before its `emit`, and the callback records the"
        + " difference in an HdrHistogram. A contender whose `emit` is slow delays the later"
        + " emissions of a burst, which then count from their own start: the throughput tables"
        + " show that cost. Each contender and rate runs in a JVM of its own. Microseconds."
        + " `jorchestrate-spin` is JOrchestrate with `idleSpin(Duration.ofMillis("
        + SPIN_MILLIS
        + "))`: a worker that caught up watches up to that long for the next event before it"
        + " parks, as a busy-spinning wait strategy would; the default watches up to 50 µs."
        + " `bare-handoff` is no event system but a yardstick: one dedicated consumer thread that"
        + " parks when its lock-free queue is empty and that the emitter unparks, with nothing"
        + " else around it. Its figures are what the wake-up alone costs on this machine, which"
        + " every contender whose idle consumer parks pays after each pause of the emitter."
        + " *CPU* is what that costs: the CPU time of the whole process while it measured (every"
        + " thread, the emitter's and the JVM's too), over the elapsed time, in cores; the machine"
        + " has "
        + Contenders.CORES
        + ".\n\n");
    md.append("| contender | rate | p50 | p99 | p99.9 | max | CPU (cores) |\n"
        + "|---|---:|---:|---:|---:|---:|---:|\n");
    for (long rate : new long[] {100_000, 1_000_000}) {
      for (String contender : Contenders.LATENCY_NAMES) {
        latencyOf(contender, rate)
            .ifPresent(
                l ->
                    md.append(
                        f(
                            "| %s | %,d/s | %.1f | %.1f | %.1f | %.0f | %.2f |%n",
                            contender, rate, l.p50(), l.p99(), l.p999(), l.max(), l.cores())));
      }
    }
    md.append('\n');

    md.append(targets());

    Path changes = out.resolve(CHANGES);
    if (Files.exists(changes)) {
      md.append('\n').append(Files.readString(changes));
    }
    return md.toString();
  }

  private String targets() {
    StringBuilder md = new StringBuilder("## Targets (issue 6)\n\n");
    md.append("JOrchestrate with its default settings.\n\n");
    md.append("| target | measured | met |\n|---|---:|:---:|\n");
    int met = 0;
    for (String[] t :
        new String[][] {
          {"1", "naive-port", "5"}, {"1", "guava-async", "3"}, {"1", "disruptor-blocking", "1.0"},
          {"10", "naive-port", "4"}, {"10", "guava-async", "6"}, {"10", "disruptor-blocking", "0.5"}
        }) {
      int listeners = Integer.parseInt(t[0]);
      double ratio = ratio(t[1], listeners, 1);
      double goal = Double.parseDouble(t[2]);
      String target = f("%s, 1 emitter: ≥ %s× %s", scenario(listeners, 1).split(",")[0], t[2], t[1]);
      met += row(md, target, f("%.2f×", ratio), ratio >= goal);
    }
    double guavaP99 = latencyOf("guava-async", 100_000).map(Suite.Latency::p99).orElse(Double.NaN);
    double p99 = latencyOf(OURS, 100_000).map(Suite.Latency::p99).orElse(Double.NaN);
    met += row(md, "p99 at 100 k/s ≤ 50 µs", f("%.1f µs", p99), p99 <= 50);
    met += row(md, f("p99 at 100 k/s not worse than Guava's (%.1f µs)", guavaP99),
        f("%.1f µs", p99), p99 <= guavaP99);
    double bytes = emitCost.getOrDefault("emitOneListener.bytes", Double.NaN);
    met += row(md, "≤ 48 B allocated per emission (1 listener)", f("%.2f B", bytes),
        Math.round(bytes) <= 48);
    double none = emitCost.getOrDefault("emitNoSubscriber.ns", Double.NaN);
    met += row(md, "emit with no subscriber ≤ 20 ns", f("%.1f ns", none), none <= 20);
    md.append(f("%n%d of the 10 targets met in this run.%n", met));
    double bareP99 = latencyOf(BARE, 100_000).map(Suite.Latency::p99).orElse(Double.NaN);
    md.append(f("%nThe yardstick `bare-handoff`, a consumer that parks when idle and nothing else,"
            + " had a p99 of %.1f µs at 100 k/s in this run: %s%n",
        bareP99, bareP99 <= 50
            ? "within 50 µs, so a design whose idle worker parks can meet that target here."
            : "above 50 µs, so in this run no design whose idle worker parks could meet that"
                + " target on this machine; only one that keeps a core busy could."));
    crossCoreRange(t -> true)
        .ifPresent(
            range ->
                md.append(
                    f(
                        "%nThe throughput rounds ran with a cross-core round trip of %s: under 100"
                            + " ns the two cores share a cache, and the fast path's handoffs cost"
                            + " least (see the throughput section).%n",
                        range)));
    double spinP99 = latencyOf(SPIN, 100_000).map(Suite.Latency::p99).orElse(Double.NaN);
    double spinCores = latencyOf(SPIN, 100_000).map(Suite.Latency::cores).orElse(Double.NaN);
    double cores = latencyOf(OURS, 100_000).map(Suite.Latency::cores).orElse(Double.NaN);
    md.append(f("%nWith the opt-in `idleSpin(Duration.ofMillis(%d))` (`jorchestrate-spin`, a core"
            + " kept busy while the worker watches), p99 at 100 k/s is %.1f µs: %s 50 µs, and %s"
            + " Guava's %.1f µs. It kept %.2f cores busy for that, the default settings %.2f.%n",
        SPIN_MILLIS, spinP99, spinP99 <= 50 ? "within" : "above",
        spinP99 <= guavaP99 ? "not worse than" : "worse than", guavaP99, spinCores, cores));
    md.append("\nAllocation is judged in whole bytes: the event object is 48 bytes, and the fraction"
        + " of a byte above it is what JMH counts on all threads per batch, mostly the executor's"
        + " task node (24 B) each time a drain is re-activated. `AllocationTest` measures the"
        + " emitting thread alone and holds it to 48.5 B.\n");
    return md.toString();
  }

  void charts(Path out) throws IOException {
    CategoryChart bars =
        new CategoryChartBuilder()
            .width(1100)
            .height(560)
            .title("Deliveries per second (millions), higher is better")
            .xAxisTitle("scenario")
            .yAxisTitle("M deliveries/s")
            .build();
    bars.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
    bars.getStyler().setChartBackgroundColor(Color.WHITE);
    List<String> scenarios = new ArrayList<>();
    for (int[] s : SCENARIOS) {
      scenarios.add(scenario(s[0], s[1]));
    }
    for (String contender : Contenders.NAMES) {
      List<Double> values = new ArrayList<>();
      for (int[] s : SCENARIOS) {
        double value = deliveries(contender, s[0], s[1]) / 1e6;
        values.add(Double.isNaN(value) ? 0 : value);
      }
      bars.addSeries(contender, scenarios, values);
    }
    BitmapEncoder.saveBitmap(bars, out.resolve(THROUGHPUT_CHART).toString(),
        BitmapEncoder.BitmapFormat.PNG);

    // Plotted as log10(µs) on a linear axis with labels in µs: XChart's logarithmic axis refuses
    // bar charts, whose bars start at zero.
    CategoryChart p99 =
        new CategoryChartBuilder()
            .width(1100)
            .height(480)
            .title("p99 latency from emit to callback (µs, log scale), lower is better")
            .xAxisTitle("emission rate")
            .yAxisTitle("p99 µs")
            .build();
    p99.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
    p99.getStyler().setChartBackgroundColor(Color.WHITE);
    p99.getStyler().setYAxisMin(0.0);
    p99.getStyler()
        .setyAxisTickLabelsFormattingFunction(v -> f("%,.0f", Math.pow(10, v)));
    List<String> rates = List.of("100 k/s", "1 M/s");
    for (String contender : Contenders.LATENCY_NAMES) {
      List<Double> values = new ArrayList<>();
      for (long rate : new long[] {100_000, 1_000_000}) {
        double value = latencyOf(contender, rate).map(Suite.Latency::p99).orElse(Double.NaN);
        values.add(Double.isNaN(value) || value < 1 ? 0 : Math.log10(value));
      }
      p99.addSeries(contender, rates, values);
    }
    BitmapEncoder.saveBitmap(p99, out.resolve(LATENCY_CHART).toString(),
        BitmapEncoder.BitmapFormat.PNG);
  }
}
