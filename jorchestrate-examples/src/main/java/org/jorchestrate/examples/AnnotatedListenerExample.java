package org.jorchestrate.examples;

import java.io.PrintStream;
import java.util.Map;
import org.jorchestrate.events.Event;
import org.jorchestrate.events.EventManager;
import org.jorchestrate.events.OnEvent;
import org.jorchestrate.events.Param;
import org.jorchestrate.events.Subscription;

/**
 * The specification's parameter filtering, the Java way: a listener whose {@link OnEvent} methods
 * declare only the parameters they need. The manager binds them once, at registration.
 *
 * <p>Run it with {@code mvn -q -pl jorchestrate-examples -am compile exec:java
 * -Dexec.mainClass=org.jorchestrate.examples.AnnotatedListenerExample}.
 */
public final class AnnotatedListenerExample {

  /** The events of this example. */
  enum TaskEvents {
    TASK_STARTED,
    TASK_COMPLETED,
    TASK_FAILED
  }

  /**
   * One listener object, one subscription: its methods run one at a time, in emission order, so it
   * may keep state without locks.
   */
  static final class TaskReport {
    private final PrintStream out;
    private int completed;

    TaskReport(PrintStream out) {
      this.out = out;
    }

    // Python: def on_task_started(task_name, **kwargs)
    @OnEvent(type = TaskEvents.class, name = "TASK_STARTED")
    void started(@Param("task_name") String taskName, Map<String, Object> kwargs) {
      out.println("Task " + taskName + " started at " + kwargs.get("event_time"));
    }

    // Compiled with -parameters, a parameter's own name binds too; a primitive widens from Integer.
    @OnEvent(type = TaskEvents.class, name = "TASK_COMPLETED")
    void completed(String task_name, String result, long duration_ms) {
      completed++;
      out.println(
          "Task " + task_name + " completed with result: " + result + " in " + duration_ms + " ms"
              + " (" + completed + " completed so far)");
    }

    // The Event itself, for everything else.
    @OnEvent(type = TaskEvents.class, name = "TASK_FAILED")
    void failed(Event event) {
      out.println(
          "Task " + event.get("task_name") + " failed with error: " + event.get("error")
              + " on " + event.eventDate());
    }
  }

  private AnnotatedListenerExample() {}

  /**
   * Runs the example.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    run(System.out);
  }

  static void run(PrintStream out) {
    try (EventManager events = new EventManager()) {
      Subscription report = events.registerListener(new TaskReport(out));

      events.emit(TaskEvents.TASK_STARTED, "task_name", "ingest", "source", "s3://bucket");
      events.emit(TaskEvents.TASK_COMPLETED, "task_name", "ingest", "result", "ok", "duration_ms", 42);
      events.emit(TaskEvents.TASK_FAILED, "task_name", "publish", "error", "timeout");

      report.close(); // later emissions no longer reach it; the three above are still delivered
    } // close(): waits until every accepted emission was delivered
  }
}
