package org.jorchestrate.stress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.util.concurrent.atomic.AtomicInteger;
import org.jorchestrate.events.Emission;
import org.jorchestrate.events.EventManager;
import org.jorchestrate.events.Subscription;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Emit vs unsubscribe: one thread emits while another unsubscribes one of two subscriptions. The
 * one present throughout must receive the event; the one being removed may or may not, and the
 * emission's subscriber count must match what was delivered. Results: deliveries to the staying
 * subscription, to the leaving one, and the emission's subscriber count.
 *
 * <p>{@code java -jar jorchestrate-stress/target/jcstress.jar -t EmitUnsubscribe -m quick -c 2}
 */
@JCStressTest
@Outcome(id = "1, 1, 2", expect = ACCEPTABLE, desc = "emitted before the removal: both got it")
@Outcome(id = "1, 0, 1", expect = ACCEPTABLE, desc = "emitted after the removal: only the stayer")
@Outcome(
    id = "0, .*, .*",
    expect = FORBIDDEN,
    desc = "a subscription present throughout missed the event")
@Outcome(
    id = "1, 0, 2",
    expect = FORBIDDEN,
    desc = "counted as a subscriber but never delivered: the emission never completes")
@Outcome(id = "1, 1, 1", expect = FORBIDDEN, desc = "delivered to a subscriber not counted")
@State
public class EmitUnsubscribeTest {

  private final EventManager events = Managers.synchronous();
  private final AtomicInteger stayer = new AtomicInteger();
  private final AtomicInteger leaver = new AtomicInteger();
  private final Subscription leaving;
  private volatile Emission emission;

  {
    events.registerEvent(Managers.Events.A, e -> stayer.incrementAndGet());
    leaving = events.registerEvent(Managers.Events.A, e -> leaver.incrementAndGet());
  }

  @Actor
  public void emitter() {
    emission = events.emit(Managers.Events.A);
  }

  @Actor
  public void remover() {
    leaving.unsubscribe();
  }

  @Arbiter
  public void check(III_Result result) {
    result.r1 = stayer.get();
    result.r2 = leaver.get();
    result.r3 = emission.subscribers();
  }
}
