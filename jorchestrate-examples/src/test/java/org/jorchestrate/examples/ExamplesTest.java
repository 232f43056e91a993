package org.jorchestrate.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Runs every example, so that none can rot, and checks what it prints. */
@Timeout(60)
class ExamplesTest {

  private static List<String> linesOf(ByteArrayOutputStream out) {
    return out.toString(StandardCharsets.UTF_8).lines().toList();
  }

  @Test
  void completeExample_printsTheSpecsThreeLines_withARealTime() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    CompleteExample.run(new PrintStream(out, true, StandardCharsets.UTF_8));

    List<String> lines = linesOf(out);
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0)).matches("Task data_processing started at \\d{2}:\\d{2}:\\d{2}\\.\\d{6}");
    assertThat(lines.get(1)).isEqualTo("Task data_processing completed with result: success");
    assertThat(lines.get(2)).isEqualTo("Task data_processing failed with error: timeout");
  }

  @Test
  void annotatedListenerExample_bindsOnlyTheDeclaredParameters() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    AnnotatedListenerExample.run(new PrintStream(out, true, StandardCharsets.UTF_8));

    List<String> lines = linesOf(out);
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0)).matches("Task ingest started at \\d{2}:\\d{2}:\\d{2}\\.\\d{6}");
    assertThat(lines.get(1))
        .isEqualTo("Task ingest completed with result: ok in 42 ms (1 completed so far)");
    assertThat(lines.get(2)).matches("Task publish failed with error: timeout on \\d{4}-\\d{2}-\\d{2}");
  }

  @Test
  void integrationSnippets_printBothLines() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    IntegrationSnippetsExample.run(new PrintStream(out, true, StandardCharsets.UTF_8));

    // Two subscriptions run in parallel, so the two lines may come in either order.
    assertThat(linesOf(out))
        .hasSize(2)
        .anyMatch(l -> l.matches("Agent data_collector started at \\d{2}:\\d{2}:\\d{2}\\.\\d{6}"))
        .anyMatch(l -> l.matches("All agents terminated at \\d{2}:\\d{2}:\\d{2}\\.\\d{6}"));
  }

  @Test
  void pipeline_packsEveryOrder_isolatesTheFailingAgent_andEndsOnce() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    PipelineExample.run(new PrintStream(out, true, StandardCharsets.UTF_8));

    List<String> lines = linesOf(out);
    assertThat(lines.stream().filter(l -> l.contains("OrderEvent.ORDER_PLACED"))).hasSize(5);
    assertThat(lines.stream().filter(l -> l.contains("OrderEvent.ORDER_PACKED"))).hasSize(5);
    assertThat(lines)
        .anyMatch(l -> l.contains("AgentStateEvent.ERROR agent_name=courier phase=setup"))
        .anyMatch(l -> l.contains("AgentStateEvent.TERMINATED agent_name=packer state=TERMINATED"))
        .anyMatch(l -> l.contains("AgentStateEvent.TERMINATED agent_name=courier state=FAILED"));
    assertThat(lines.stream().filter(l -> l.contains("OrchestratorEvent.ALL_AGENTS_TERMINATED")))
        .singleElement()
        .asString()
        .contains("agents=3 failed=1");
    // printed one at a time: the last event line is ALL_AGENTS_TERMINATED, then the summary
    assertThat(lines.get(lines.size() - 2)).contains("ALL_AGENTS_TERMINATED");
    assertThat(lines.get(lines.size() - 1)).startsWith("history: {");
  }

  @Test
  void remoteAgents_controlFollowsAgentsOfAnotherProcess_throughARealBroker() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    RemoteAgentsExample.runControl(new PrintStream(out, true, StandardCharsets.UTF_8));

    List<String> lines = linesOf(out);
    for (int i = 1; i <= 3; i++) {
      String agent = "worker-" + i;
      assertThat(lines)
          .anyMatch(l -> l.matches("\\[agents\\] " + agent + " ready at \\d{2}:\\d{2}:\\d{2}\\.\\d{6}"))
          .anyMatch(l -> l.startsWith("[agents] " + agent + " terminated (TERMINATED) at "));
    }
    assertThat(lines.get(lines.size() - 1))
        .startsWith("control saw 3 agents start and 3 terminate, all from another process");
  }
}
