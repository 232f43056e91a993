package org.jorchestrate.stress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.util.List;
import org.jorchestrate.events.Event;
import org.jorchestrate.events.EventManager;
import org.jorchestrate.orchestrator.EventHistory;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * The history ring, publish vs read: one thread's emission is recorded into an {@link
 * EventHistory} of capacity 2 while another thread reads the latest entry. Does a reader see
 * either nothing or the whole event (its type and parameter), never a partly published slot?
 * Results: entries seen, the parameter's value (or -1).
 *
 * <p>{@code java -jar jorchestrate-stress/target/jcstress.jar -t HistoryPublication -m quick -c 2}
 */
@JCStressTest
@Outcome(id = "0, -1", expect = ACCEPTABLE, desc = "read before the event was recorded")
@Outcome(id = "1, 42", expect = ACCEPTABLE, desc = "read after: the whole event")
@Outcome(id = "1, .*", expect = FORBIDDEN, desc = "a partly published event")
@Outcome(id = "2, .*", expect = FORBIDDEN, desc = "an entry that was never recorded")
@State
public class HistoryPublicationTest {

  private final EventManager events = Managers.synchronous();
  private final EventHistory history = EventHistory.attachTo(events, 2);

  @Actor
  public void recorder() {
    events.emit(Managers.Events.B, "n", 42);
  }

  @Actor
  public void reader(II_Result result) {
    List<Event> last = history.last(2);
    result.r1 = last.size();
    result.r2 = -1;
    if (!last.isEmpty()) {
      Event event = last.get(0);
      Object n = event.type() == Managers.Events.B ? event.get("n") : null;
      result.r2 = n instanceof Integer ? (Integer) n : -2;
    }
  }
}
