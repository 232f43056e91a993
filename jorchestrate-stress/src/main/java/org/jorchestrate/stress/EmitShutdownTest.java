package org.jorchestrate.stress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.util.concurrent.atomic.AtomicInteger;
import org.jorchestrate.events.Emission;
import org.jorchestrate.events.EventManager;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Emit vs shutdown: one thread emits while another shuts the manager down and waits. Is every
 * emission either accepted and then delivered exactly once by the time shutdown returned, or
 * refused and never delivered? Results: accepted (1/0), deliveries, terminated (1/0).
 *
 * <p>{@code java -jar jorchestrate-stress/target/jcstress.jar -t EmitShutdown -m quick -c 2}
 */
@JCStressTest
@Outcome(id = "1, 1, 1", expect = ACCEPTABLE, desc = "accepted before the shutdown: delivered once")
@Outcome(id = "0, 0, 1", expect = ACCEPTABLE, desc = "refused after the shutdown: never delivered")
@Outcome(id = "1, 0, .*", expect = FORBIDDEN, desc = "accepted but lost by the shutdown")
@Outcome(id = "0, 1, .*", expect = FORBIDDEN, desc = "refused yet delivered: a half emission")
@Outcome(id = ".*, 2, .*", expect = FORBIDDEN, desc = "delivered twice")
@Outcome(id = ".*, .*, 0", expect = FORBIDDEN, desc = "shutdown returned before termination")
@State
public class EmitShutdownTest {

  private final EventManager events = Managers.synchronous();
  private final AtomicInteger delivered = new AtomicInteger();
  private volatile Emission emission;

  {
    events.registerEvent(Managers.Events.A, e -> delivered.incrementAndGet());
  }

  @Actor
  public void emitter() {
    emission = events.emit(Managers.Events.A);
  }

  @Actor
  public void stopper() {
    events.shutdown();
  }

  @Arbiter
  public void check(III_Result result) {
    result.r1 = emission.accepted() ? 1 : 0;
    result.r2 = delivered.get();
    result.r3 = events.isTerminated() ? 1 : 0;
  }
}
