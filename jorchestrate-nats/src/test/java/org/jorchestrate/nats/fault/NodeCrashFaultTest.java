package org.jorchestrate.nats.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jorchestrate.nats.testing.NatsServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A receiving node is killed with SIGKILL mid-stream and started again with the same node id: it
 * catches up from its durable consumer with nothing lost, in order, and the only duplicates are
 * the ones the README states: events whose callbacks ran after the node last stored its
 * deduplication mark (at most one pull round), replayed right after the restart.
 */
class NodeCrashFaultTest {

  private static final Logger LOG = LoggerFactory.getLogger(NodeCrashFaultTest.class);
  private static final boolean LONG = "long".equals(System.getProperty("jorchestrate.stress"));
  /* One pull round: Inbox.BATCH messages. */
  private static final int ROUND = 256;

  @Test
  void receiverKilledAndRestarted_catchesUpWithNothingLost(@TempDir Path dir) throws Exception {
    int count = LONG ? 50_000 : 10_000;
    Path received = dir.resolve("b.txt");
    try (NatsServer server = NatsServer.launch()) {
      // b first, so that its durable consumer exists before a publishes
      ChildNode b = ChildNode.start(server.url(), "CRASH", "node-b", 0, 1, count, received, 240);
      await().atMost(Duration.ofSeconds(60)).until(() -> b.started);
      ChildNode a = ChildNode.start(server.url(), "CRASH", "node-a", count, 1_000, 0, dir.resolve("a.txt"), 240);
      try (a; b) {
        await().atMost(Duration.ofSeconds(60)).until(() -> a.started);
        a.go();
        await().atMost(Duration.ofSeconds(120)).until(() -> b.received.get() >= count * 4L / 10);
        b.kill();
        LOG.info("node-b killed after receiving about {}", b.received.get());
        await().atMost(Duration.ofSeconds(120)).until(() -> a.sent.get() >= count * 7L / 10);
        ChildNode again = ChildNode.start(server.url(), "CRASH", "node-b", 0, 1, count, received, 240);
        try (again) {
          assertThat(a.awaitExit(240)).as(a.output()).isZero();
          assertThat(again.awaitExit(240)).as(again.output()).isZero();

          List<Integer> lines = again.receivedByOrigin().get("node-a");
          Set<Integer> distinct = new HashSet<>(lines);
          int duplicates = lines.size() - distinct.size();
          for (int i = 0; i < count; i++) {
            assertThat(distinct).as("event %d lost", i).contains(i);
          }
          // Order: first copies in order; the repeated ones form one run replayed after restart.
          List<Integer> firstCopies = new ArrayList<>();
          Set<Integer> seen = new HashSet<>();
          for (int i : lines) {
            if (seen.add(i)) {
              firstCopies.add(i);
            }
          }
          for (int i = 0; i < count; i++) {
            assertThat(firstCopies.get(i)).isEqualTo(i);
          }
          Map<String, Long> stats = again.stats;
          System.out.printf(
              "node crash: %d events, receiver killed at ~40%%, %d replayed to its callbacks after"
                  + " the restart; restarted node %s%n",
              count, duplicates, stats);
          assertThat(duplicates).as("events replayed after the crash").isLessThanOrEqualTo(2 * ROUND);
        }
      }
    }
  }
}
