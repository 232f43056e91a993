package org.jorchestrate.stress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.jorchestrate.events.Emission;
import org.jorchestrate.events.EventManager;
import org.jorchestrate.events.OverflowPolicy;
import org.jorchestrate.events.Subscription;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Overflow counters: two threads emit into a DROP_NEWEST subscription of capacity 1 whose drain
 * never runs. Do the books balance whatever the interleaving: drops counted on the emissions equal
 * drops counted on the subscription, and queued plus dropped equals emitted? (Both may get in, as
 * the capacity is a soft bound that racing emitters may overshoot by one each.) Results: drops on
 * the emissions, drops on the subscription, events queued.
 *
 * <p>{@code java -jar jorchestrate-stress/target/jcstress.jar -t OverflowCounters -m quick -c 2}
 */
@JCStressTest
@Outcome(id = "1, 1, 1", expect = ACCEPTABLE, desc = "one queued, the other dropped and counted")
@Outcome(
    id = "0, 0, 2",
    expect = ACCEPTABLE,
    desc = "both raced past the soft bound and were queued (documented)")
@Outcome(id = "1, 1, 2", expect = FORBIDDEN, desc = "counted as dropped yet queued: delivered twice")
@Outcome(id = ".*, .*, 0", expect = FORBIDDEN, desc = "lost: neither queued")
@Outcome(id = "0, 0, 1", expect = FORBIDDEN, desc = "silent drop: lost without being counted")
@Outcome(id = "1, 0, .*", expect = FORBIDDEN, desc = "books disagree: emission vs subscription")
@Outcome(id = "0, 1, .*", expect = FORBIDDEN, desc = "books disagree: subscription vs emission")
@State
public class OverflowCountersTest {

  private final EventManager events =
      EventManager.builder()
          .executor(task -> {}) // the drain never runs: the queue only fills
          .queueCapacity(1)
          .overflow(OverflowPolicy.DROP_NEWEST)
          .shutdownHook(false)
          .build();
  private final Subscription subscription = events.registerEvent(Managers.Events.A, e -> {});
  private volatile Emission first;
  private volatile Emission second;

  @Actor
  public void emitter1() {
    first = events.emit(Managers.Events.A);
  }

  @Actor
  public void emitter2() {
    second = events.emit(Managers.Events.A);
  }

  @Arbiter
  public void check(III_Result result) {
    result.r1 = first.dropped() + second.dropped();
    result.r2 = (int) subscription.dropped();
    result.r3 = subscription.backlog();
  }
}
