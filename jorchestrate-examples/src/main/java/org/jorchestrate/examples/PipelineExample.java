package org.jorchestrate.examples;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jorchestrate.agent.Agent;
import org.jorchestrate.agent.LoopingAgent;
import org.jorchestrate.agent.PeriodicAgent;
import org.jorchestrate.events.Event;
import org.jorchestrate.events.EventManager;
import org.jorchestrate.orchestrator.Orchestrator;
import org.jorchestrate.orchestrator.OrchestratorEvent;

/**
 * A small pipeline of three agents under one orchestrator, with every event printed as it happens:
 *
 * <ul>
 *   <li>{@code producer}, a {@link PeriodicAgent}: every 20 ms it puts an order on a queue, five
 *       times, and announces it with a {@code ORDER_PLACED} event;
 *   <li>{@code packer}, a {@link LoopingAgent}: takes orders off the queue, announces each as
 *       {@code ORDER_PACKED}, and stops itself after the fifth;
 *   <li>{@code courier}, an {@link Agent} whose setup fails: its van does not start. The failure is
 *       isolated: the other two finish their work.
 * </ul>
 *
 * <p>Run it with {@code mvn -q -pl jorchestrate-examples -am compile exec:java
 * -Dexec.mainClass=org.jorchestrate.examples.PipelineExample}.
 */
public final class PipelineExample {

  /** The pipeline's own events, next to the agents' and the orchestrator's. */
  enum OrderEvent {
    ORDER_PLACED,
    ORDER_PACKED
  }

  static final int ORDERS = 5;

  private PipelineExample() {}

  /**
   * Runs the example.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    run(System.out);
  }

  static void run(PrintStream out) {
    BlockingQueue<Integer> orders = new LinkedBlockingQueue<>();
    try (Orchestrator orchestrator = Orchestrator.builder().name("pipeline").build()) {
      EventManager events = orchestrator.eventManager();

      orchestrator
          .register(
              new PeriodicAgent("producer", Duration.ofMillis(20), ORDERS) {
                private int next = 1;

                @Override
                protected void runner() {
                  int order = next++;
                  // Announce, then hand over: the packer's ORDER_PACKED, emitted after it took the
                  // order, is queued after this ORDER_PLACED, so every subscription sees them so.
                  events.emit(OrderEvent.ORDER_PLACED, "order", order);
                  orders.add(order);
                }
              })
          .register(
              new LoopingAgent("packer") {
                private int packed;

                @Override
                protected void loop() throws InterruptedException {
                  Integer order = orders.poll(100, TimeUnit.MILLISECONDS);
                  if (order != null) {
                    events.emit(OrderEvent.ORDER_PACKED, "order", order, "by", name());
                    if (++packed == ORDERS) {
                      stop(); // all orders packed: end the loop
                    }
                  }
                }
              })
          .register(
              new Agent("courier") {
                @Override
                protected void setup() {
                  throw new IllegalStateException("the van does not start");
                }

                @Override
                protected void execute() {
                  // never reached: setup failed
                }
              });

      // One wildcard subscription prints every event; being one subscription, it prints them one
      // at a time, each agent's in the order that agent emitted them.
      events.registerAll(event -> out.println(describe(event)));

      orchestrator.run();

      out.println("history: " + orchestrator.history().counts());
    }
  }

  private static String describe(Event event) {
    String type = event.type().getDeclaringClass().getSimpleName() + "." + event.type().name();
    StringBuilder line = new StringBuilder(event.eventTime()).append("  ").append(type);
    for (String key :
        new String[] {"agent_name", "order", "by", "state", "phase", "error_message"}) {
      if (event.has(key)) {
        line.append(' ').append(key).append('=').append(event.get(key));
      }
    }
    if (event.type() == OrchestratorEvent.ALL_AGENTS_TERMINATED) {
      line.append(" agents=").append(event.get(OrchestratorEvent.AGENTS));
      line.append(" failed=").append(event.get(OrchestratorEvent.FAILED));
    }
    return line.toString();
  }
}
