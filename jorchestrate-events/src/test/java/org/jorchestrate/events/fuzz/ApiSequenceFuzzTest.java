package org.jorchestrate.events.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.jorchestrate.events.Emission;
import org.jorchestrate.events.EventManager;
import org.jorchestrate.events.Subscription;

/**
 * Fuzzes sequences of register / registerAll / emit / unsubscribe / shutdown on a synchronous
 * manager against a simple model: which subscriptions are active, how many events each must have
 * received, and whether an emission is accepted.
 */
class ApiSequenceFuzzTest {

  enum Fuzzed {
    X,
    Y
  }

  /** The model of one subscription. */
  private static final class Modelled {
    final Fuzzed type; // null for a wildcard
    final Subscription subscription;
    final AtomicInteger received;
    boolean active = true;
    int expected;

    Modelled(Fuzzed type, Subscription subscription, AtomicInteger received) {
      this.type = type;
      this.subscription = subscription;
      this.received = received;
    }
  }

  @FuzzTest(maxDuration = "60s") // per run of stress/run-fuzz.sh; regression mode ignores it
  void sequence_matchesTheModel(FuzzedDataProvider data) {
    List<Modelled> model = new ArrayList<>();
    boolean shutDown = false;
    try (EventManager events =
        EventManager.builder().synchronous().shutdownHook(false).build()) {
      int steps = data.consumeInt(0, 40);
      for (int step = 0; step < steps; step++) {
        switch (data.consumeInt(0, 4)) {
          case 0, 1 -> {
            Fuzzed type = data.consumeBoolean() ? Fuzzed.X : Fuzzed.Y;
            AtomicInteger received = new AtomicInteger();
            boolean wildcard = data.consumeInt(0, 3) == 0;
            Subscription subscription =
                wildcard
                    ? events.registerAll(e -> received.incrementAndGet())
                    : events.registerEvent(type, e -> received.incrementAndGet());
            Modelled modelled = new Modelled(wildcard ? null : type, subscription, received);
            modelled.active = !shutDown;
            model.add(modelled);
            assertThat(subscription.isActive()).isEqualTo(!shutDown);
          }
          case 2 -> {
            Fuzzed type = data.consumeBoolean() ? Fuzzed.X : Fuzzed.Y;
            int expectedSubscribers = 0;
            for (Modelled m : model) {
              if (m.active && (m.type == null || m.type == type)) {
                expectedSubscribers++;
                m.expected++;
              }
            }
            Emission emission = events.emit(type, "step", step);
            assertThat(emission.accepted()).isEqualTo(!shutDown);
            assertThat(emission.subscribers()).isEqualTo(shutDown ? 0 : expectedSubscribers);
            assertThat(emission.isDone()).isTrue();
            if (shutDown) {
              for (Modelled m : model) {
                if (m.active && (m.type == null || m.type == type)) {
                  m.expected--; // refused: the model undoes it
                }
              }
            }
          }
          case 3 -> {
            if (!model.isEmpty()) {
              Modelled m = model.get(data.consumeInt(0, model.size() - 1));
              m.subscription.unsubscribe();
              m.active = false;
            }
          }
          default -> {
            events.shutdown();
            shutDown = true;
            model.forEach(m -> m.active = false);
          }
        }
        for (Modelled m : model) {
          assertThat(m.received.get()).isEqualTo(m.expected);
          assertThat(m.subscription.delivered()).isEqualTo(m.expected);
        }
      }
    }
  }
}
