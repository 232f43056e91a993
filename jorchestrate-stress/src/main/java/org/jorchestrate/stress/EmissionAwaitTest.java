package org.jorchestrate.stress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.time.Duration;
import org.jorchestrate.events.Emission;
import org.jorchestrate.events.EventManager;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.Z_Result;

/**
 * Awaiting an emission while its only delivery ends on another thread. The awaiter installs its
 * latch in the event's lazily made extras and re-reads the outcome; the drain adds to the outcome
 * and then reads the extras. If the two sides could miss each other, the awaiter would sleep
 * through the completion and {@code await} would return false when its timeout (5 s) ran out
 * although the delivery ended: a lost wake-up. Result: what {@code await} returned.
 *
 * <p>{@code java -jar jorchestrate-stress/target/jcstress.jar -t EmissionAwait -m quick -c 2}
 */
@JCStressTest
@Outcome(id = "true", expect = ACCEPTABLE, desc = "await saw the completion")
@Outcome(id = "false", expect = FORBIDDEN, desc = "lost wake-up: await timed out after the end")
@State
public class EmissionAwaitTest {

  private final CapturingExecutor executor = new CapturingExecutor();
  private final EventManager events =
      EventManager.builder().executor(executor).shutdownHook(false).build();
  private final Emission emission;

  {
    events.registerEvent(Managers.Events.A, e -> {});
    emission = events.emit(Managers.Events.A, "k", 1); // schedules one drain, captured
  }

  @Actor
  public void drain() {
    executor.task(0).run();
  }

  @Actor
  public void await(Z_Result result) {
    try {
      result.r1 = emission.await(Duration.ofSeconds(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      result.r1 = false;
    }
  }
}
