package org.jorchestrate.nats.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jorchestrate.nats.testing.NatsServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two JVM processes exchange events through a broker that is killed with SIGKILL and restarted
 * on the same store while they run. At the callbacks: nothing lost, nothing duplicated, each
 * origin's order kept; and delivery resumes within 10 s of each restart. It logs how many
 * redeliveries and dropped duplicates were seen on the wire.
 *
 * <p>Short mode (the test command): 2 × 10,000 events, 2 kills. Long mode ({@code
 * -Djorchestrate.stress=long}, {@code stress/run-nats-faults.sh}): 2 × 50,000 events, 5 kills at
 * about 15/30/45/60/75 %.
 */
class BrokerCrashFaultTest {

  private static final Logger LOG = LoggerFactory.getLogger(BrokerCrashFaultTest.class);
  private static final boolean LONG = "long".equals(System.getProperty("jorchestrate.stress"));

  @Test
  void twoProcesses_brokerKilledAndRestarted_nothingLostOrDuplicated_inOrder(@TempDir Path dir)
      throws Exception {
    int perNode = LONG ? 50_000 : 10_000;
    int rate = LONG ? 1_500 : 1_000;
    double[] killsAt = LONG ? new double[] {0.15, 0.30, 0.45, 0.60, 0.75} : new double[] {0.33, 0.66};
    try (NatsServer server = NatsServer.launch()) {
      ChildNode a = ChildNode.start(server.url(), "FAULTS", "node-a", perNode, rate, perNode,
          dir.resolve("a.txt"), 240);
      ChildNode b = ChildNode.start(server.url(), "FAULTS", "node-b", perNode, rate, perNode,
          dir.resolve("b.txt"), 240);
      try (a; b) {
        await().atMost(Duration.ofSeconds(60)).until(() -> a.started && b.started);
        a.go();
        b.go();
        List<Double> resumeSeconds = new ArrayList<>();
        for (double fraction : killsAt) {
          long target = (long) (fraction * perNode);
          await().atMost(Duration.ofSeconds(120)).until(() -> a.sent.get() >= target && b.sent.get() >= target);
          server.kill();
          LOG.info("broker killed at {} % ({} and {} sent)", (int) (fraction * 100), a.sent.get(), b.sent.get());
          Thread.sleep(1_000); // the outage itself: the broker stays down for a second
          long receivedA = a.received.get();
          long receivedB = b.received.get();
          long restarted = System.nanoTime();
          server.start();
          await()
              .atMost(Duration.ofSeconds(10))
              .pollInterval(Duration.ofMillis(20))
              .until(() -> a.received.get() > receivedA && b.received.get() > receivedB);
          resumeSeconds.add((System.nanoTime() - restarted) / 1e9);
        }
        assertThat(a.awaitExit(240)).as(a.output()).isZero();
        assertThat(b.awaitExit(240)).as(b.output()).isZero();
        assertThat(a.done).as(a.output()).isTrue();
        assertThat(b.done).as(b.output()).isTrue();

        List<Integer> expected = new ArrayList<>(perNode);
        for (int i = 0; i < perNode; i++) {
          expected.add(i);
        }
        Map<String, List<Integer>> atA = a.receivedByOrigin();
        Map<String, List<Integer>> atB = b.receivedByOrigin();
        assertThat(atA.keySet()).containsExactly("node-b");
        assertThat(atB.keySet()).containsExactly("node-a");
        assertThat(atA.get("node-b")).as("node-b's events at node-a").containsExactlyElementsOf(expected);
        assertThat(atB.get("node-a")).as("node-a's events at node-b").containsExactlyElementsOf(expected);

        long wireDuplicates =
            a.stats.getOrDefault("redelivered", 0L) + b.stats.getOrDefault("redelivered", 0L)
                + a.stats.getOrDefault("duplicatesDropped", 0L)
                + b.stats.getOrDefault("duplicatesDropped", 0L);
        LOG.info(
            "broker crash test: {} events each way, {} kills, resumed after {} s; node-a {}; node-b {}",
            perNode, killsAt.length, resumeSeconds, a.stats, b.stats);
        System.out.printf(
            "nats faults: %d events each way, %d broker kills, delivery resumed after %s s;%n"
                + "  node-a %s%n  node-b %s%n",
            perNode, killsAt.length, resumeSeconds, a.stats, b.stats);
        // Not asserted: whether a kill puts duplicates on the wire depends on what the broker had
        // written of its consumers' state when it died. When it had all of it and no publish was
        // stored without its ack reaching the sender, there are none (7 of 32 runs on 2026-11-25).
        LOG.info("duplicates on the wire, redelivered or dropped: {}", wireDuplicates);
        assertThat(a.stats.get("gapsSkipped")).isZero();
        assertThat(b.stats.get("gapsSkipped")).isZero();
        assertThat(Files.exists(dir.resolve("a.txt"))).isTrue();
      }
    }
  }
}
