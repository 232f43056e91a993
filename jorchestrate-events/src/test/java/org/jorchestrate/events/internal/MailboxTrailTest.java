package org.jorchestrate.events.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.jorchestrate.events.EventManager;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The rule by which a watching drain keeps its distance from a fast stream: how many of the queued
 * events it may take after a look ({@code Mailbox.lookAt}), applied to a real subscription's
 * mailbox. Nothing is emitted, so no drain runs and the test thread alone drives the looks, with
 * the producer and consumer indexes a drain would have read.
 */
class MailboxTrailTest {

  private enum Ticks {
    TICK
  }

  private static final long MAX = Mailbox.MAX_TRAIL_EVENTS;
  private static final long FAST = Mailbox.FAST_STREAM_EVENTS;
  private static final int SUSTAINED = Mailbox.FAST_LOOKS_TO_TRAIL;

  private @Nullable EventManager events;
  private Mailbox mailbox;
  private long produced;
  private long consumed;

  private Mailbox mailboxWithCapacity(int capacity) {
    events = EventManager.builder().queueCapacity(capacity).shutdownHook(false).build();
    mailbox = (Mailbox) events.registerEvent(Ticks.TICK, e -> {});
    return mailbox;
  }

  @AfterEach
  void shutDown() {
    if (events != null) {
      events.shutdown();
    }
  }

  /*
   * One look after `arrived` more events came: what the drain may take before its next look. It
   * then takes that much of the backlog, as pollNext would, so the next look starts from there.
   */
  private long look(long arrived) {
    produced += arrived;
    mailbox.lookAt(produced, consumed);
    long takeable = mailbox.takeBeforeLook;
    consumed += Math.min(takeable, produced - consumed);
    return takeable;
  }

  /* Looks with these arrivals; returns what the last one let the drain take. */
  private long looks(long... arrivals) {
    long takeable = Mailbox.TAKE_ALL;
    for (long arrived : arrivals) {
      takeable = look(arrived);
    }
    return takeable;
  }

  @Test
  void slowStream_isTakenWhole() {
    mailboxWithCapacity(16_384);

    assertThat(looks(FAST - 1, FAST - 1, FAST - 1, FAST - 1, FAST - 1, FAST - 1))
        .isEqualTo(Mailbox.TAKE_ALL);
  }

  @Test
  void fastStream_isTrailedFromItsFourthFastLookInARow() {
    mailboxWithCapacity(16_384);

    assertThat(looks(FAST, FAST, FAST))
        .as("a burst shorter than four looks")
        .isEqualTo(Mailbox.TAKE_ALL);
    long backlogBefore = produced - consumed; // zero: the drain took all so far
    assertThat(look(100)).isEqualTo(backlogBefore + 100 - MAX);
    assertThat(produced - consumed).isEqualTo(MAX);
  }

  @Test
  void oneSlowLook_startsTheCountAgain() {
    mailboxWithCapacity(16_384);

    assertThat(looks(30, 30, 30, 2, 30, 30, 30)).isEqualTo(Mailbox.TAKE_ALL);
    assertThat(look(30)).isNotEqualTo(Mailbox.TAKE_ALL);
  }

  @Test
  void lastingFastStream_leavesTwiceTheLastArrivalsQueued_atMostTheMaximum() {
    mailboxWithCapacity(16_384);
    looks(FAST, FAST, FAST, FAST, 100); // trailing since the fourth look
    assertThat(produced - consumed).as("twice the 100 arrivals is over the maximum").isEqualTo(MAX);

    assertThat(look(20)).isEqualTo(MAX + 20 - 40);
    assertThat(produced - consumed).isEqualTo(40);
  }

  @Test
  void lastingFastStream_closerThanTheTrail_takesNothingYet() {
    mailboxWithCapacity(16_384);
    looks(FAST, FAST, FAST, FAST);
    consumed = produced; // the drain had caught up

    assertThat(look(40)).isZero();
    assertThat(produced - consumed).isEqualTo(40);
  }

  @Test
  void stoppedStream_isTakenWhole_atTheFirstLookThatSeesNoFastArrivals() {
    mailboxWithCapacity(16_384);
    looks(30, 30, 30, 30, 30);
    assertThat(produced - consumed).isEqualTo(60);

    // The stream stopped just before this look, after 10 more: they still count as fast.
    assertThat(look(10)).isEqualTo(70 - 20);
    // The next look, 5 µs later, sees nothing new: the drain takes the rest.
    assertThat(look(0)).isEqualTo(Mailbox.TAKE_ALL);
    assertThat(produced - consumed).isZero();
  }

  @Test
  void waitingEmitter_stopsTheTrail_soTheQueueCanFallToTheHalfThatWakesIt() {
    mailboxWithCapacity(128); // trails by at most 32
    looks(FAST, FAST, FAST, FAST, 40);
    assertThat(produced - consumed).isEqualTo(32);

    mailbox.waitingEmitters = 1; // an emitter blocked on the full queue (BLOCK)
    assertThat(look(40)).as("another emitter keeps the stream fast").isEqualTo(Mailbox.TAKE_ALL);
    assertThat(produced - consumed).isZero();

    mailbox.waitingEmitters = 0;
    assertThat(look(40)).isEqualTo(40 - 32);
  }

  @Test
  void trail_isAtMostAQuarterOfTheCapacity() {
    mailboxWithCapacity(64);
    looks(FAST, FAST, FAST, FAST);

    look(1_000);

    assertThat(produced - consumed).isEqualTo(16);
  }

  @Test
  void queueOfFewerThanFourEvents_neverTrails() {
    mailboxWithCapacity(3);

    assertThat(looks(30, 30, 30, 30, 30, 30)).isEqualTo(Mailbox.TAKE_ALL);
  }

  @Test
  void streamThatStaysFast_keepsTrailing_withoutItsCountOverflowing() {
    mailboxWithCapacity(16_384);

    for (int i = 0; i < 100_000; i++) {
      look(FAST);
    }

    assertThat(mailbox.fastLooks).isEqualTo(SUSTAINED);
    assertThat(produced - consumed).isEqualTo(2 * FAST);
  }

  @Test
  void maxTrail_isTheMaximum_orAQuarterOfTheCapacity() {
    assertThat(Mailbox.maxTrailFor(16_384)).isEqualTo(MAX);
    assertThat(Mailbox.maxTrailFor(64)).isEqualTo(16);
    assertThat(Mailbox.maxTrailFor(3)).isZero();
  }
}
