package org.jorchestrate.stress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.util.concurrent.atomic.AtomicInteger;
import org.jorchestrate.events.EventManager;
import org.jorchestrate.events.Subscription;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * A blocked emitter's wake-up: the subscription's queue (capacity 1) is full; one thread emits and
 * must wait for room (the default BLOCK policy) while another runs the drain that makes room. Is
 * the waiting emitter always woken (a missed signal would hang this test, which jcstress reports),
 * and is its event then queued, never lost? Results: callbacks run, events still queued.
 *
 * <p>{@code java -jar jorchestrate-stress/target/jcstress.jar -t BlockedEmitterWakeUp -m quick -c 2}
 */
@JCStressTest
@Outcome(id = "2, 0", expect = ACCEPTABLE, desc = "the drain also took the emitter's event")
@Outcome(
    id = "1, 1",
    expect = ACCEPTABLE,
    desc = "the drain went idle first; the event waits for the next drain")
@Outcome(id = "1, 0", expect = FORBIDDEN, desc = "the blocked emitter's event was lost")
@State
public class BlockedEmitterWakeUpTest {

  private final CapturingExecutor executor = new CapturingExecutor();
  private final EventManager events =
      EventManager.builder().executor(executor).queueCapacity(1).shutdownHook(false).build();
  private final AtomicInteger delivered = new AtomicInteger();
  private final Subscription subscription =
      events.registerEvent(Managers.Events.A, e -> delivered.incrementAndGet());

  {
    events.emit(Managers.Events.A); // fills the queue; its drain is captured, not run
  }

  @Actor
  public void emitter() {
    events.emit(Managers.Events.A); // must wait for room
  }

  @Actor
  public void drainer() {
    executor.task(0).run();
  }

  @Arbiter
  public void check(II_Result result) {
    result.r1 = delivered.get();
    result.r2 = subscription.backlog();
  }
}
