package org.jorchestrate.events.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The rule by which a watching drain keeps its distance from a fast stream: how many of the queued
 * events it may take at a look ({@code Mailbox.trailTakeable}).
 */
class MailboxTrailTest {

  private static final long MAX = Mailbox.MAX_TRAIL_EVENTS;
  private static final int SUSTAINED = Mailbox.FAST_LOOKS_TO_TRAIL;

  /* Runs the looks of a watch over the arrivals seen at each; returns what the last may take. */
  private static long afterLooks(long backlog, long... arrivals) {
    int fastLooks = 0;
    for (long arrived : arrivals) {
      fastLooks = Mailbox.fastLooksAfter(fastLooks, arrived);
    }
    return Mailbox.trailTakeable(fastLooks, arrivals[arrivals.length - 1], backlog, MAX);
  }

  @Test
  void slowStream_isTakenWhole() {
    long slow = Mailbox.FAST_STREAM_EVENTS - 1;

    assertThat(afterLooks(1_000, slow, slow, slow, slow, slow, slow)).isEqualTo(Mailbox.TAKE_ALL);
  }

  @Test
  void fastStream_isTrailedFromItsFourthFastLookInARow() {
    long fast = Mailbox.FAST_STREAM_EVENTS;

    assertThat(afterLooks(100, fast, fast, fast)).isEqualTo(Mailbox.TAKE_ALL);
    assertThat(afterLooks(100, fast, fast, fast, fast)).isEqualTo(100 - 2 * fast);
  }

  @Test
  void oneSlowLook_startsTheCountAgain() {
    long fast = 30;

    assertThat(afterLooks(500, fast, fast, fast, 2, fast, fast, fast))
        .isEqualTo(Mailbox.TAKE_ALL);
  }

  @Test
  void stoppedStream_isTakenWholeAtTheNextLook() {
    assertThat(afterLooks(60, 30, 30, 30, 30, 0)).isEqualTo(Mailbox.TAKE_ALL);
  }

  @Test
  void shortBurst_isTakenWhole_evenWhenFast() {
    assertThat(Mailbox.trailTakeable(SUSTAINED - 1, 50, 100, MAX)).isEqualTo(Mailbox.TAKE_ALL);
  }

  @Test
  void lastingFastStream_leavesTwiceTheLastArrivalsQueued() {
    assertThat(Mailbox.trailTakeable(SUSTAINED, 8, 100, MAX)).isEqualTo(100 - 16);
    assertThat(Mailbox.trailTakeable(SUSTAINED + 10, 20, 100, MAX)).isEqualTo(100 - 40);
  }

  @Test
  void lastingFastStream_leavesAtMostTheMaximumQueued() {
    assertThat(Mailbox.trailTakeable(SUSTAINED, 1_000, 5_000, MAX)).isEqualTo(5_000 - MAX);
  }

  @Test
  void lastingFastStream_closerThanTheTrail_takesNothingYet() {
    assertThat(Mailbox.trailTakeable(SUSTAINED, 40, 50, MAX)).isZero();
    assertThat(Mailbox.trailTakeable(SUSTAINED, 40, 0, MAX)).isZero();
  }

  @Test
  void trail_isAtMostAQuarterOfTheCapacity_soQueuedEventsNeverCrowdOutNewOnes() {
    assertThat(Mailbox.maxTrailFor(16_384)).isEqualTo(MAX);
    assertThat(Mailbox.maxTrailFor(64)).isEqualTo(16);
    assertThat(Mailbox.maxTrailFor(3)).isZero();
  }

  @Test
  void smallQueue_trailsByAtMostItsLimit_orNotAtAll() {
    assertThat(Mailbox.trailTakeable(SUSTAINED, 30, 12, Mailbox.maxTrailFor(16))).isEqualTo(12 - 4);
    assertThat(Mailbox.trailTakeable(SUSTAINED, 30, 3, Mailbox.maxTrailFor(3))).isEqualTo(3);
  }
}
