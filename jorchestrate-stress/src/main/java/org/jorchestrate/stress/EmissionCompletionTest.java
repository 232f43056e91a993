package org.jorchestrate.stress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.jorchestrate.events.Emission;
import org.jorchestrate.events.EventManager;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * The emission handle completing once: one emission to two subscriptions whose drains run on two
 * threads at once, one callback returning, the other throwing. Does the handle end up done, with
 * exactly one delivered and one failed, however the two endings interleave (no lost update of the
 * packed outcome counters, no completion seen early or twice)? Results: done (1/0), delivered,
 * failed.
 *
 * <p>{@code java -jar jorchestrate-stress/target/jcstress.jar -t EmissionCompletion -m quick -c 2}
 */
@JCStressTest
@Outcome(id = "1, 1, 1", expect = ACCEPTABLE, desc = "done: one delivered, one failed")
@Outcome(id = "0, .*, .*", expect = FORBIDDEN, desc = "both deliveries ended but not done")
@Outcome(id = "1, 0, .*", expect = FORBIDDEN, desc = "lost update: a delivery not counted")
@Outcome(id = "1, .*, 0", expect = FORBIDDEN, desc = "lost update: a failure not counted")
@Outcome(id = ".*, 2, .*", expect = FORBIDDEN, desc = "a delivery counted twice")
@State
public class EmissionCompletionTest {

  private final CapturingExecutor executor = new CapturingExecutor();
  private final EventManager events =
      EventManager.builder().executor(executor).shutdownHook(false).build();
  private final Emission emission;

  {
    events.registerEvent(Managers.Events.A, e -> {});
    events.registerEvent(
        Managers.Events.A,
        e -> {
          throw new IllegalStateException("expected by the test");
        });
    emission = events.emit(Managers.Events.A); // schedules two drains, captured
  }

  @Actor
  public void drain1() {
    executor.task(0).run();
  }

  @Actor
  public void drain2() {
    executor.task(1).run();
  }

  @Arbiter
  public void check(III_Result result) {
    result.r1 = emission.isDone() ? 1 : 0;
    result.r2 = emission.delivered();
    result.r3 = emission.failed();
  }
}
