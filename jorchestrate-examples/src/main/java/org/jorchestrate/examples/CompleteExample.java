package org.jorchestrate.examples;

import java.io.PrintStream;
import java.time.Duration;
import org.jorchestrate.events.Emission;
import org.jorchestrate.events.EventManager;

/**
 * The specification's "Complete Example", in Java: three events, three callbacks, three emissions,
 * then a shutdown that waits until all three were delivered.
 *
 * <p>Run it with {@code mvn -q -pl jorchestrate-examples -am compile exec:java}. It prints:
 *
 * <pre>
 * Task data_processing started at 14:30:00.123456
 * Task data_processing completed with result: success
 * Task data_processing failed with error: timeout
 * </pre>
 */
public final class CompleteExample {

  /** The events of this example. */
  enum MyEvents {
    TASK_STARTED,
    TASK_COMPLETED,
    TASK_FAILED
  }

  private CompleteExample() {}

  /**
   * Runs the example.
   *
   * @param args ignored
   * @throws InterruptedException if interrupted while waiting for the deliveries
   */
  public static void main(String[] args) throws InterruptedException {
    run(System.out);
  }

  static void run(PrintStream out) throws InterruptedException {
    // Initialize the event manager
    EventManager eventManager = new EventManager();

    // Register events and callbacks: each receives the Event, and reads what it needs from it
    eventManager.registerEvent(
        MyEvents.TASK_STARTED,
        e -> out.println("Task " + e.get("task_name") + " started at " + e.eventTime()));
    eventManager.registerEvent(
        MyEvents.TASK_COMPLETED,
        e ->
            out.println(
                "Task " + e.get("task_name") + " completed with result: " + e.get("result")));
    eventManager.registerEvent(
        MyEvents.TASK_FAILED,
        e -> out.println("Task " + e.get("task_name") + " failed with error: " + e.get("error")));

    // Emit events. Callbacks run asynchronously, on the manager's threads; awaiting each emission
    // keeps the three lines in this order (without it, they could print in any order).
    Emission started = eventManager.emit(MyEvents.TASK_STARTED, "task_name", "data_processing");
    started.await(Duration.ofSeconds(5));
    Emission completed =
        eventManager.emit(
            MyEvents.TASK_COMPLETED, "task_name", "data_processing", "result", "success");
    completed.await(Duration.ofSeconds(5));
    eventManager.emit(MyEvents.TASK_FAILED, "task_name", "data_processing", "error", "timeout");

    // Shutdown when done: waits until every accepted emission was delivered
    eventManager.shutdown();
  }
}
