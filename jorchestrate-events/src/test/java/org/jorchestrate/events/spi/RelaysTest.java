package org.jorchestrate.events.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.jorchestrate.events.Emission;
import org.jorchestrate.events.Event;
import org.jorchestrate.events.EventManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The relay SPI: {@link Relays#install}/{@link Relays#uninstall}, the {@link EmissionRelay}
 * contract on the emission path, and {@link Relays#emitRemote}.
 */
@Timeout(60)
class RelaysTest {

  /** Events of these tests; the relays below relay {@link #RELAYED} only, unless told otherwise. */
  enum Ev {
    RELAYED,
    LOCAL_ONLY
  }

  private static final Instant NOW = Instant.parse("2024-05-06T07:08:09.123456789Z");

  private static EventManager synchronousManager() {
    return EventManager.builder()
        .synchronous()
        .shutdownHook(false)
        .clock(Clock.fixed(NOW, ZoneOffset.UTC))
        .build();
  }

  /** Records what reaches check and relay, and on which thread; thread-safe. */
  static class RecordingRelay implements EmissionRelay {
    private final Set<Ev> relayed;
    final List<Event> checked = new CopyOnWriteArrayList<>();
    final List<Event> relayedEvents = new CopyOnWriteArrayList<>();
    final List<Thread> checkThreads = new CopyOnWriteArrayList<>();
    final List<Thread> relayThreads = new CopyOnWriteArrayList<>();
    final List<Enum<?>> askedAbout = new CopyOnWriteArrayList<>();

    RecordingRelay(Ev... relayed) {
      this.relayed = Set.of(relayed);
    }

    @Override
    public boolean relays(Enum<?> type) {
      askedAbout.add(type);
      return relayed.contains(type);
    }

    @Override
    public Object check(Event event) {
      checked.add(event);
      checkThreads.add(Thread.currentThread());
      return event; // the token: relay() checks it comes back with its own event
    }

    @Override
    public void relay(Event event, Object token) {
      if (token != event) {
        throw new AssertionError("relay(" + event + ") got the token of " + token);
      }
      relayedEvents.add(event);
      relayThreads.add(Thread.currentThread());
    }
  }

  /** A local callback that records its events; thread-safe. */
  static final class Received {
    final List<Event> events = new CopyOnWriteArrayList<>();

    void onEvent(Event event) {
      events.add(event);
    }
  }

  // ------------------------------------------------------------------ relaying local emissions

  /**
   * Every accepted emission of a relayed type reaches relay, in emission order, as the very Event
   * its callbacks got; a type the relay does not relay reaches neither check nor relay.
   */
  @Test
  void relay_seesAcceptedEmissionsInOrder() {
    try (EventManager manager = synchronousManager()) {
      RecordingRelay relay = new RecordingRelay(Ev.RELAYED);
      Relays.install(manager, relay);
      Received relayedType = new Received();
      Received localType = new Received();
      manager.registerEvent(Ev.RELAYED, relayedType::onEvent);
      manager.registerEvent(Ev.LOCAL_ONLY, localType::onEvent);

      for (int i = 0; i < 5; i++) {
        manager.emit(Ev.RELAYED, "i", i, "name", "task-" + i);
        manager.emit(Ev.LOCAL_ONLY, "i", i);
      }

      assertThat(relay.relayedEvents).hasSize(5);
      assertThat(relay.relayedEvents).extracting(e -> e.get("i")).containsExactly(0, 1, 2, 3, 4);
      for (int i = 0; i < 5; i++) {
        Event relayed = relay.relayedEvents.get(i);
        assertThat(relayed).isSameAs(relayedType.events.get(i));
        assertThat(relayed.type()).isSameAs(Ev.RELAYED);
        assertThat(relayed.params()).containsEntry("i", i).containsEntry("name", "task-" + i);
        assertThat(relayed.timestamp()).isEqualTo(NOW);
        assertThat(relayed.eventDate()).isEqualTo("2024-05-06");
        assertThat(relayed.eventTime()).isEqualTo("07:08:09.123456");
      }
      // check saw each relayed emission, as its callbacks would see it, before it was accepted
      assertThat(relay.checked).extracting(e -> e.get("i")).containsExactly(0, 1, 2, 3, 4);
      assertThat(relay.checked).allSatisfy(e -> assertThat(e.type()).isSameAs(Ev.RELAYED));
      // LOCAL_ONLY was delivered locally but never reached check or relay
      assertThat(localType.events).hasSize(5);
      assertThat(relay.relayedEvents).noneMatch(e -> e.type() == Ev.LOCAL_ONLY);
      assertThat(relay.checked).noneMatch(e -> e.type() == Ev.LOCAL_ONLY);
    }
  }

  /** A type not relayed reaches neither check nor relay, also with no local subscriber. */
  @Test
  void relay_typeNotRelayedAndUnsubscribed_reachesNeitherCheckNorRelay() {
    try (EventManager manager = synchronousManager()) {
      RecordingRelay relay = new RecordingRelay(Ev.RELAYED);
      Relays.install(manager, relay);

      Emission emission = manager.emit(Ev.LOCAL_ONLY, "k", "v");

      assertThat(emission.accepted()).isTrue();
      assertThat(relay.checked).isEmpty();
      assertThat(relay.relayedEvents).isEmpty();
    }
  }

  /**
   * check and relay run on the emitting thread, and relay has run when emit returns, even while
   * the asynchronous delivery of the same emission is still pending.
   */
  @Test
  void relay_runsOnTheEmittingThreadBeforeEmitReturns() throws Exception {
    try (EventManager manager = EventManager.builder().workers(1).shutdownHook(false).build()) {
      RecordingRelay relay = new RecordingRelay(Ev.RELAYED);
      Relays.install(manager, relay);
      CountDownLatch release = new CountDownLatch(1);
      manager.registerEvent(Ev.RELAYED, e -> release.await());

      Emission emission = manager.emit(Ev.RELAYED, "k", "v");

      assertThat(relay.relayedEvents).hasSize(1); // no waiting
      assertThat(relay.relayedEvents.get(0).get("k")).isEqualTo("v");
      assertThat(relay.relayThreads).containsExactly(Thread.currentThread());
      assertThat(relay.checkThreads).containsExactly(Thread.currentThread());
      assertThat(emission.isDone()).isFalse(); // the callback is still held
      release.countDown();
      assertThat(emission.await(Duration.ofSeconds(10))).isTrue();
    }
  }

  /** With no local subscriber the emission is still relayed, and accepted and done at once. */
  @Test
  void relay_typeWithNoLocalSubscriber_isRelayedAndAccepted() {
    try (EventManager manager = synchronousManager()) {
      RecordingRelay relay = new RecordingRelay(Ev.RELAYED);
      Relays.install(manager, relay);

      Emission emission = manager.emit(Ev.RELAYED, Map.of("task_name", "x"));

      assertThat(emission.accepted()).isTrue();
      assertThat(emission.isDone()).isTrue();
      assertThat(emission.subscribers()).isZero();
      assertThat(relay.relayedEvents).hasSize(1);
      Event relayed = relay.relayedEvents.get(0);
      assertThat(relayed.type()).isSameAs(Ev.RELAYED);
      assertThat(relayed.get("task_name")).isEqualTo("x");
      assertThat(relayed.timestamp()).isEqualTo(NOW);
      assertThat(relay.checked).hasSize(1);
    }
  }

  /**
   * check throwing IllegalArgumentException refuses the emission: emit throws that exception, no
   * local callback runs and relay is not called; the next, valid emission goes through.
   */
  @Test
  void check_throwing_refusesTheEmission() {
    IllegalArgumentException refusal =
        new IllegalArgumentException("parameter 'payload' is too large; send a reference");
    try (EventManager manager = synchronousManager()) {
      RecordingRelay relay =
          new RecordingRelay(Ev.RELAYED) {
            @Override
            public Object check(Event event) {
              super.check(event);
              if (event.has("payload")) {
                throw refusal;
              }
              return event;
            }
          };
      Relays.install(manager, relay);
      Received local = new Received();
      Received wildcard = new Received();
      manager.registerEvent(Ev.RELAYED, local::onEvent);
      manager.registerAll(wildcard::onEvent);

      assertThatThrownBy(() -> manager.emit(Ev.RELAYED, "payload", "big")).isSameAs(refusal);

      assertThat(relay.checked).hasSize(1);
      assertThat(local.events).isEmpty();
      assertThat(wildcard.events).isEmpty();
      assertThat(relay.relayedEvents).isEmpty();

      Emission next = manager.emit(Ev.RELAYED, "ok", true);
      assertThat(next.accepted()).isTrue();
      assertThat(next.delivered()).isEqualTo(2);
      assertThat(local.events).extracting(e -> e.get("ok")).containsExactly(true);
      assertThat(relay.relayedEvents).extracting(e -> e.get("ok")).containsExactly(true);
    }
  }

  /** A refusing check with no local subscriber also makes emit throw, and nothing is relayed. */
  @Test
  void check_throwing_withNoLocalSubscriber_refusesTheEmission() {
    try (EventManager manager = synchronousManager()) {
      RecordingRelay relay =
          new RecordingRelay(Ev.RELAYED) {
            @Override
            public Object check(Event event) {
              super.check(event);
              throw new IllegalArgumentException("refused");
            }
          };
      Relays.install(manager, relay);

      assertThatThrownBy(() -> manager.emit(Ev.RELAYED))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("refused");
      assertThat(relay.relayedEvents).isEmpty();
    }
  }

  /** After shutdown an emission of a relayed type is refused and not relayed. */
  @Test
  void relay_afterShutdown_notCalledAndEmissionRefused() {
    try (EventManager manager = synchronousManager()) {
      RecordingRelay relay = new RecordingRelay(Ev.RELAYED);
      Relays.install(manager, relay);
      Received local = new Received();
      manager.registerEvent(Ev.RELAYED, local::onEvent);
      manager.emit(Ev.RELAYED, "before", true);

      manager.shutdown();
      Emission after = manager.emit(Ev.RELAYED, "after", 1);

      assertThat(after.accepted()).isFalse();
      assertThat(after.isDone()).isTrue();
      assertThat(relay.relayedEvents).extracting(e -> e.has("before")).containsExactly(true);
      assertThat(local.events).hasSize(1);
    }
  }

  /** Refused after shutdown also when the relayed type never had a local subscriber. */
  @Test
  void relay_afterShutdown_unsubscribedType_refusedAndNotRelayed() {
    try (EventManager manager = synchronousManager()) {
      RecordingRelay relay = new RecordingRelay(Ev.RELAYED);
      Relays.install(manager, relay);

      manager.shutdown();
      Emission emission = manager.emit(Ev.RELAYED, "k", "v");

      assertThat(emission.accepted()).isFalse();
      assertThat(emission.isDone()).isTrue();
      assertThat(relay.relayedEvents).isEmpty();
    }
  }

  /** A relay that throws is logged and swallowed: emit returns and local delivery stands. */
  @Test
  void relay_throwing_emitReturnsAndLocalCallbacksStillGetTheEvent() throws Exception {
    AtomicInteger relayCalls = new AtomicInteger();
    EmissionRelay failing =
        new EmissionRelay() {
          @Override
          public boolean relays(Enum<?> type) {
            return true;
          }

          @Override
          public Object check(Event event) {
            return event;
          }

          @Override
          public void relay(Event event, Object token) {
            relayCalls.incrementAndGet();
            throw new IllegalStateException("broker unreachable (expected by the test)");
          }
        };
    try (EventManager manager = EventManager.builder().workers(1).shutdownHook(false).build()) {
      Relays.install(manager, failing);
      Received local = new Received();
      manager.registerEvent(Ev.RELAYED, local::onEvent);

      Emission first = manager.emit(Ev.RELAYED, "n", 1);
      Emission second = manager.emit(Ev.RELAYED, "n", 2);

      assertThat(first.accepted()).isTrue();
      assertThat(first.await(Duration.ofSeconds(10))).isTrue();
      assertThat(second.await(Duration.ofSeconds(10))).isTrue();
      assertThat(first.delivered()).isEqualTo(1);
      assertThat(second.delivered()).isEqualTo(1);
      assertThat(local.events).extracting(e -> e.get("n")).containsExactly(1, 2);
      assertThat(relayCalls).hasValue(2); // the relay stays installed after failing
    }
  }

  // ------------------------------------------------------------------ install / uninstall

  /**
   * One relay per manager: a second install throws; after uninstalling the first another can be
   * installed, and only it receives emissions.
   */
  @Test
  void install_secondRelay_throwsUntilTheFirstIsUninstalled() {
    try (EventManager manager = synchronousManager()) {
      RecordingRelay first = new RecordingRelay(Ev.RELAYED);
      RecordingRelay second = new RecordingRelay(Ev.RELAYED);
      Relays.install(manager, first);

      assertThatThrownBy(() -> Relays.install(manager, second))
          .isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(() -> Relays.install(manager, first))
          .isInstanceOf(IllegalStateException.class);
      manager.emit(Ev.RELAYED, "n", 1);

      Relays.uninstall(manager, first);
      manager.emit(Ev.RELAYED, "n", 2); // no relay installed
      Relays.install(manager, second);
      manager.emit(Ev.RELAYED, "n", 3);

      assertThat(first.relayedEvents).extracting(e -> e.get("n")).containsExactly(1);
      assertThat(second.relayedEvents).extracting(e -> e.get("n")).containsExactly(3);
    }
  }

  /** Uninstalling a relay that is not the installed one leaves the installed one in place. */
  @Test
  void uninstall_relayNotInstalled_doesNothing() {
    try (EventManager manager = synchronousManager()) {
      RecordingRelay installed = new RecordingRelay(Ev.RELAYED);
      RecordingRelay stranger = new RecordingRelay(Ev.RELAYED);
      assertThatCode(() -> Relays.uninstall(manager, stranger)).doesNotThrowAnyException();
      Relays.install(manager, installed);

      Relays.uninstall(manager, stranger);
      manager.emit(Ev.RELAYED, "n", 1);

      assertThat(installed.relayedEvents).extracting(e -> e.get("n")).containsExactly(1);
      assertThat(stranger.relayedEvents).isEmpty();
      assertThatThrownBy(() -> Relays.install(manager, stranger))
          .isInstanceOf(IllegalStateException.class); // still occupied by the installed one
    }
  }

  /** Relays are per manager: one installed on another manager does not see this one's emits. */
  @Test
  void install_isPerManager() {
    try (EventManager one = synchronousManager();
        EventManager other = synchronousManager()) {
      RecordingRelay onOne = new RecordingRelay(Ev.RELAYED);
      RecordingRelay onOther = new RecordingRelay(Ev.RELAYED);
      Relays.install(one, onOne);
      Relays.install(other, onOther);

      one.emit(Ev.RELAYED, "n", 1);
      other.emit(Ev.RELAYED, "n", 2);

      assertThat(onOne.relayedEvents).extracting(e -> e.get("n")).containsExactly(1);
      assertThat(onOther.relayedEvents).extracting(e -> e.get("n")).containsExactly(2);
    }
  }

  // ------------------------------------------------------------------ emitRemote

  /**
   * A remote emission carries its original timestamp and date/time strings (not recomputed from
   * this manager's clock or zone) and its parameters, and is never relayed.
   */
  @Test
  void emitRemote_keepsOriginalTimestampAndStrings_andIsNotRelayed() {
    // The strings deliberately differ from what the instant renders to in UTC, so that they can
    // only come from the arguments.
    Instant origin = Instant.parse("2021-06-07T08:09:10.111222333Z");
    try (EventManager manager = synchronousManager()) {
      RecordingRelay relay = new RecordingRelay(Ev.RELAYED, Ev.LOCAL_ONLY);
      Relays.install(manager, relay);
      Received local = new Received();
      Received wildcard = new Received();
      manager.registerEvent(Ev.RELAYED, local::onEvent);
      manager.registerAll(wildcard::onEvent);

      Emission emission =
          Relays.emitRemote(
              manager,
              Ev.RELAYED,
              Map.of("task_name", "remote", "attempt", 3),
              origin,
              "2020-01-02",
              "03:04:05.000006");

      assertThat(emission.accepted()).isTrue();
      assertThat(emission.isDone()).isTrue();
      assertThat(emission.delivered()).isEqualTo(2);
      assertThat(local.events).hasSize(1);
      Event event = local.events.get(0);
      assertThat(wildcard.events).containsExactly(event);
      assertThat(event.type()).isSameAs(Ev.RELAYED);
      assertThat(event.timestamp()).isEqualTo(origin);
      assertThat(event.eventDate()).isEqualTo("2020-01-02");
      assertThat(event.eventTime()).isEqualTo("03:04:05.000006");
      assertThat(event.get(Event.EVENT_DATE)).isEqualTo("2020-01-02");
      assertThat(event.get(Event.EVENT_TIME)).isEqualTo("03:04:05.000006");
      assertThat(event.get("task_name")).isEqualTo("remote");
      assertThat(event.get("attempt", Integer.class)).isEqualTo(3);
      assertThat(event.params())
          .containsOnly(
              Map.entry("task_name", "remote"),
              Map.entry("attempt", 3),
              Map.entry(Event.EVENT_DATE, "2020-01-02"),
              Map.entry(Event.EVENT_TIME, "03:04:05.000006"));
      assertThat(relay.relayedEvents).isEmpty();

      // A local emission of the same type right after is relayed, with this manager's clock.
      manager.emit(Ev.RELAYED, "task_name", "local");
      assertThat(relay.relayedEvents).extracting(e -> e.get("task_name")).containsExactly("local");
      assertThat(relay.relayedEvents.get(0).timestamp()).isEqualTo(NOW);
    }
  }

  /** A remote emission with no local subscriber is accepted and done, and not relayed. */
  @Test
  void emitRemote_noLocalSubscriber_acceptedAndNotRelayed() {
    try (EventManager manager = synchronousManager()) {
      RecordingRelay relay = new RecordingRelay(Ev.RELAYED);
      Relays.install(manager, relay);

      Emission emission =
          Relays.emitRemote(
              manager, Ev.RELAYED, Map.of(), NOW, "2020-01-02", "03:04:05.000006");

      assertThat(emission.accepted()).isTrue();
      assertThat(emission.isDone()).isTrue();
      assertThat(relay.relayedEvents).isEmpty();
    }
  }

  /** Parameters are validated as by emit: reserved, empty and null keys are refused. */
  @Test
  void emitRemote_invalidKeys_throwIllegalArgumentException() {
    try (EventManager manager = synchronousManager()) {
      RecordingRelay relay = new RecordingRelay(Ev.RELAYED);
      Relays.install(manager, relay);
      Received local = new Received();
      manager.registerEvent(Ev.RELAYED, local::onEvent);
      Map<String, Object> nullKey = new HashMap<>();
      nullKey.put(null, "v");

      List<Map<String, ?>> invalid =
          List.of(
              Map.of(Event.EVENT_DATE, "2020-01-02"),
              Map.of(Event.EVENT_TIME, "03:04:05.000006"),
              Map.of("", "v"),
              nullKey);
      for (Map<String, ?> params : invalid) {
        assertThatThrownBy(
                () ->
                    Relays.emitRemote(
                        manager, Ev.RELAYED, params, NOW, "2020-01-02", "03:04:05.000006"))
            .as("params %s", params)
            .isInstanceOf(IllegalArgumentException.class);
      }

      assertThat(local.events).isEmpty();
      assertThat(relay.relayedEvents).isEmpty();
    }
  }

  /** Invalid keys are refused also when the type has no local subscriber. */
  @Test
  void emitRemote_invalidKeys_noLocalSubscriber_throwIllegalArgumentException() {
    try (EventManager manager = synchronousManager()) {
      assertThatThrownBy(
              () ->
                  Relays.emitRemote(
                      manager,
                      Ev.LOCAL_ONLY,
                      Map.of(Event.EVENT_DATE, "x"),
                      NOW,
                      "2020-01-02",
                      "03:04:05.000006"))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  /** After shutdown a remote emission is refused and delivered to nobody. */
  @Test
  void emitRemote_afterShutdown_refused() {
    try (EventManager manager = synchronousManager()) {
      Received local = new Received();
      manager.registerEvent(Ev.RELAYED, local::onEvent);
      manager.shutdown();

      Emission subscribed =
          Relays.emitRemote(manager, Ev.RELAYED, Map.of(), NOW, "2020-01-02", "03:04:05.000006");
      Emission unsubscribed =
          Relays.emitRemote(
              manager, Ev.LOCAL_ONLY, Map.of(), NOW, "2020-01-02", "03:04:05.000006");

      assertThat(subscribed.accepted()).isFalse();
      assertThat(unsubscribed.accepted()).isFalse();
      assertThat(local.events).isEmpty();
    }
  }

  // ------------------------------------------------------------------ concurrency

  private static final int EMITTERS = 4;
  private static final int PER_EMITTER = 10_000;

  /** The value of parameter "n": which emitter, and its counter. */
  record Stamp(int emitter, int counter) {}

  /**
   * Emitters racing on an asynchronous manager: the relay gets every emission exactly once and,
   * per emitting thread, in increasing order; local delivery is complete as well.
   */
  @Test
  void relay_concurrentEmitters_everyEmissionOnceInOrderPerThread() throws Exception {
    ConcurrentLinkedQueue<Stamp> relayed = new ConcurrentLinkedQueue<>();
    EmissionRelay relay =
        new EmissionRelay() {
          @Override
          public boolean relays(Enum<?> type) {
            return type == Ev.RELAYED;
          }

          @Override
          public Object check(Event event) {
            return event;
          }

          @Override
          public void relay(Event event, Object token) {
            relayed.add(event.get("n", Stamp.class)); // in call order: relay runs on the emitter
          }
        };
    AtomicInteger localCount = new AtomicInteger();
    List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
    try (EventManager manager = EventManager.builder().workers(2).shutdownHook(false).build()) {
      Relays.install(manager, relay);
      manager.registerEvent(Ev.RELAYED, e -> localCount.incrementAndGet());

      CountDownLatch ready = new CountDownLatch(EMITTERS);
      CountDownLatch start = new CountDownLatch(1);
      CountDownLatch done = new CountDownLatch(EMITTERS);
      for (int t = 0; t < EMITTERS; t++) {
        int emitter = t;
        Thread thread =
            new Thread(
                () -> {
                  try {
                    ready.countDown();
                    if (!start.await(30, TimeUnit.SECONDS)) {
                      throw new IllegalStateException("start signal never came");
                    }
                    for (int i = 0; i < PER_EMITTER; i++) {
                      if (!manager.emit(Ev.RELAYED, "n", new Stamp(emitter, i)).accepted()) {
                        throw new IllegalStateException("emission refused: " + emitter + "/" + i);
                      }
                    }
                  } catch (Throwable e) {
                    failures.add(e);
                  } finally {
                    done.countDown();
                  }
                },
                "relay-emitter-" + t);
        thread.setDaemon(true);
        thread.start();
      }
      assertThat(ready.await(30, TimeUnit.SECONDS)).isTrue();
      start.countDown();
      assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
      assertThat(failures).isEmpty();

      // Every relay call returned before its emit did, so all of them are in by now.
      assertThat(relayed).hasSize(EMITTERS * PER_EMITTER);
      int[] next = new int[EMITTERS];
      List<String> violations = new ArrayList<>();
      for (Stamp stamp : relayed) {
        if (stamp.counter() != next[stamp.emitter()]) {
          violations.add(
              "emitter " + stamp.emitter() + ": " + stamp.counter() + " where "
                  + next[stamp.emitter()] + " was due");
        }
        next[stamp.emitter()] = stamp.counter() + 1;
      }
      assertThat(violations).isEmpty();
      assertThat(next).containsOnly(PER_EMITTER);
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(() -> assertThat(localCount).hasValue(EMITTERS * PER_EMITTER));
    }
  }

  /**
   * On a synchronous manager the callbacks run between check and relay; a callback that emits a
   * relayed event again must not disturb the outer emission: each relay call gets its own token.
   * (The NATS bridge once kept the token in a thread-local slot, and lost the outer event.)
   */
  @Test
  void nestedEmissionFromACallback_betweenCheckAndRelay_keepsBothTokens() {
    try (EventManager manager = synchronousManager()) {
      RecordingRelay relay = new RecordingRelay(Ev.RELAYED);
      Relays.install(manager, relay);
      manager.registerEvent(
          Ev.RELAYED,
          e -> {
            if (e.has("outer")) {
              manager.emit(Ev.RELAYED, "inner", true);
            }
          });

      manager.emit(Ev.RELAYED, "outer", true);

      assertThat(relay.checked).extracting(e -> e.has("outer")).containsExactly(true, false);
      assertThat(relay.relayedEvents).extracting(e -> e.has("inner")).containsExactly(true, false);
    }
  }
}
