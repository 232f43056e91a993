package org.jorchestrate.stress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.util.concurrent.atomic.AtomicInteger;
import org.jorchestrate.events.EventManager;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * Mailbox enqueue vs drain: two threads emit to one subscription of a synchronous manager, so each
 * either drains the mailbox itself or finds the other draining it. Can an event be left in the
 * queue with no drain to deliver it (a lost wake-up: the drain went idle between the other
 * thread's offer and its status check)? Can the status stay "scheduled" with nobody draining, so
 * that a third emission is never delivered?
 *
 * <p>{@code java -jar jorchestrate-stress/target/jcstress.jar -t EmitEmitWakeUp -m quick -c 2}
 */
@JCStressTest
@Outcome(id = "2, 3", expect = ACCEPTABLE, desc = "both delivered by the time both emits returned")
@Outcome(
    id = "1, .*",
    expect = FORBIDDEN,
    desc = "lost wake-up: an accepted event stayed queued after both emits returned")
@Outcome(
    id = "2, 2",
    expect = FORBIDDEN,
    desc = "stuck scheduled flag: a later emission was never delivered")
@State
public class EmitEmitWakeUpTest {

  private final EventManager events = Managers.synchronous();
  private final AtomicInteger delivered = new AtomicInteger();

  {
    events.registerEvent(Managers.Events.A, e -> delivered.incrementAndGet());
  }

  @Actor
  public void first() {
    events.emit(Managers.Events.A);
  }

  @Actor
  public void second() {
    events.emit(Managers.Events.A);
  }

  @Arbiter
  public void check(II_Result result) {
    result.r1 = delivered.get();
    events.emit(Managers.Events.A);
    result.r2 = delivered.get();
  }
}
