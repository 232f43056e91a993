package org.jorchestrate.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The forms of emit (no parameter, one and two without an array, pairs, map) give equal events, and
 * the per-engine cache of parameter names (shapes) never hands one emission another's names, type
 * or validation.
 */
@Timeout(60)
class EmitFormsTest {

  private static final Instant MOMENT = Instant.parse("2026-11-23T13:30:00.123456789Z");

  private static EventManager synchronous(Clock clock) {
    return EventManager.builder().synchronous().clock(clock).shutdownHook(false).build();
  }

  @Test
  void everyForm_deliversTheSameParameters_inEmissionOrder() {
    Recorder recorder = new Recorder();
    try (EventManager events = synchronous(Clock.fixed(MOMENT, ZoneOffset.UTC))) {
      events.registerEvent(TestEvents.TASK_STARTED, recorder);
      Map<String, Object> map = new LinkedHashMap<>();
      map.put("b", 2);
      map.put("a", 1);

      events.emit(TestEvents.TASK_STARTED);
      events.emit(TestEvents.TASK_STARTED, "a", 1);
      events.emit(TestEvents.TASK_STARTED, "b", 2, "a", 1);
      events.emit(TestEvents.TASK_STARTED, new Object[] {"b", 2, "a", 1});
      events.emit(TestEvents.TASK_STARTED, map);
      events.emit(TestEvents.TASK_STARTED, "b", 2, "a", 1, "c", null);
    }

    List<Event> seen = recorder.events();
    assertThat(seen).hasSize(6);
    assertThat(seen.get(0).params().keySet()).containsExactly("event_date", "event_time");
    assertThat(seen.get(1).params()).containsExactly(
        Map.entry("a", 1),
        Map.entry("event_date", "2026-11-23"),
        Map.entry("event_time", "13:30:00.123456"));
    for (int i = 2; i <= 4; i++) {
      assertThat(seen.get(i).params().keySet())
          .as("form %d", i)
          .containsExactly("b", "a", "event_date", "event_time");
      assertThat(seen.get(i).get("b")).isEqualTo(2);
      assertThat(seen.get(i).get("a")).isEqualTo(1);
      assertThat(seen.get(i).has("c")).isFalse();
    }
    Event three = seen.get(5);
    assertThat(three.params().keySet()).containsExactly("b", "a", "c", "event_date", "event_time");
    assertThat(three.has("c")).isTrue();
    assertThat(three.get("c")).isNull();
    assertThat(three.get("a")).isEqualTo(1);
    assertThat(three.toString()).startsWith("TestEvents.TASK_STARTED{b=2, a=1, c=null}@2026-11-23T");
  }

  @Test
  void twoParameterForm_rejectsADuplicateKey() {
    try (EventManager events = synchronous(Clock.systemUTC())) {
      assertThatThrownBy(() -> events.emit(TestEvents.TASK_STARTED, "a", 1, "a", 2))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("duplicate key 'a' at positions 0 and 2");
      assertThatThrownBy(() -> events.emit(TestEvents.TASK_STARTED, "a", 1, null, 2))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("key at position 2 is null");
    }
  }

  @Test
  void aCachedShape_doesNotExcuseTheNextEmissionsKeys() {
    try (EventManager events = synchronous(Clock.systemUTC())) {
      events.registerEvent(TestEvents.TASK_STARTED, e -> {});
      events.emit(TestEvents.TASK_STARTED, "a", 1);
      events.emit(TestEvents.TASK_STARTED, "a", 1, "b", 2);
      events.emit(TestEvents.TASK_STARTED, "a", 1, "b", 2, "c", 3);

      assertThatThrownBy(() -> events.emit(TestEvents.TASK_STARTED, "event_date", 1))
          .hasMessageContaining("'event_date' is reserved");
      assertThatThrownBy(() -> events.emit(TestEvents.TASK_STARTED, "a", 1, "", 2))
          .hasMessageContaining("key at position 2 is empty");
      assertThatThrownBy(() -> events.emit(TestEvents.TASK_STARTED, "a", 1, "b", 2, "a", 3))
          .hasMessageContaining("duplicate key 'a' at positions 0 and 4");
    }
  }

  @Test
  void equalKeysBuiltAtRunTime_findTheirValues() {
    Recorder recorder = new Recorder();
    try (EventManager events = synchronous(Clock.systemUTC())) {
      events.registerEvent(TestEvents.TASK_STARTED, recorder);
      events.emit(TestEvents.TASK_STARTED, "task_name", "literal");
      events.emit(TestEvents.TASK_STARTED, new String("task_name"), "built");
      events.emit(TestEvents.TASK_STARTED, Map.of(new StringBuilder("task").append("_name").toString(), "mapped"));
    }
    assertThat(recorder.events())
        .extracting(e -> e.get("task_name"))
        .containsExactly("literal", "built", "mapped");
  }

  @Test
  void constantsOfTheSameNameInTwoEnums_withTheSameKeys_stayApart() {
    Recorder mine = new Recorder();
    Recorder other = new Recorder();
    try (EventManager events = synchronous(Clock.systemUTC())) {
      events.registerEvent(TestEvents.TASK_STARTED, mine);
      events.registerEvent(OtherEvents.TASK_STARTED, other);
      for (int i = 0; i < 3; i++) {
        events.emit(TestEvents.TASK_STARTED, "n", i);
        events.emit(OtherEvents.TASK_STARTED, "n", -i);
      }
    }
    assertThat(mine.events()).extracting(Event::type).containsOnly(TestEvents.TASK_STARTED);
    assertThat(mine.events()).extracting(e -> e.get("n")).containsExactly(0, 1, 2);
    assertThat(other.events()).extracting(Event::type).containsOnly(OtherEvents.TASK_STARTED);
    assertThat(other.events()).extracting(e -> e.get("n")).containsExactly(0, -1, -2);
  }

  @Test
  void moreShapesThanTheCacheHolds_eachEventKeepsItsOwnNames() {
    Recorder recorder = new Recorder();
    int shapes = 1_000; // several times the cache's slots: collisions and evictions
    try (EventManager events = synchronous(Clock.systemUTC())) {
      events.registerEvent(TestEvents.TASK_STARTED, recorder);
      for (int round = 0; round < 2; round++) {
        for (int i = 0; i < shapes; i++) {
          events.emit(TestEvents.TASK_STARTED, "k" + i, i, "round", round);
        }
      }
    }
    List<Event> seen = recorder.events();
    assertThat(seen).hasSize(2 * shapes);
    for (int n = 0; n < seen.size(); n++) {
      int i = n % shapes;
      assertThat(seen.get(n).params().keySet())
          .containsExactly("k" + i, "round", "event_date", "event_time");
      assertThat(seen.get(n).get("k" + i)).isEqualTo(i);
      assertThat(seen.get(n).get("round")).isEqualTo(n / shapes);
    }
  }

  /**
   * Threads emitting with different names at once share the cache without locks: each event must
   * still carry exactly the names and values its emitter gave.
   */
  @Test
  void concurrentEmitters_withCollidingShapes_neverMixNames() throws Exception {
    int threads = 4;
    int perThread = 20_000;
    ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
    AtomicLong checked = new AtomicLong();
    CountDownLatch done = new CountDownLatch(1);
    try (EventManager events = new EventManager(2)) {
      events.registerEvent(
          TestEvents.TASK_STARTED,
          e -> {
            String name = (String) e.get("name");
            Object owner = e.get("owner");
            if (name == null || !e.has(name) || !name.equals("k" + e.get(name))
                || e.params().size() != 5 || !(owner instanceof Integer)) {
              wrong.add(e.toString());
            }
            if (checked.incrementAndGet() == (long) threads * perThread) {
              done.countDown();
            }
          });
      List<Thread> emitters = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int owner = t;
        Thread emitter =
            new Thread(
                () -> {
                  for (int i = 0; i < perThread; i++) {
                    int k = (i * 7 + owner * 13) % 600;
                    events.emit(TestEvents.TASK_STARTED, "k" + k, k, "name", "k" + k, "owner", owner);
                  }
                });
        emitters.add(emitter);
        emitter.start();
      }
      for (Thread emitter : emitters) {
        emitter.join();
      }
      assertThat(done.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    }
    assertThat(wrong).isEmpty();
  }

  @Test
  void instantsBeyondNanosecondRange_areKeptWhole() {
    List<Instant> instants =
        List.of(
            Instant.parse("2262-04-12T00:00:00.000000001Z"),
            Instant.parse("1600-02-29T12:00:00.5Z"),
            Instant.parse("+100000-01-01T00:00:00Z"),
            Instant.parse("2262-04-11T23:47:16.854775807Z"),
            Instant.ofEpochSecond(9_223_372_035L, 999_999_999), // the last one kept as nanos
            Instant.ofEpochSecond(9_223_372_036L, 0), // the first one kept whole
            Instant.ofEpochSecond(-9_223_372_035L, 0), // the first one kept as nanos
            Instant.ofEpochSecond(-9_223_372_036L, 999_999_999), // the last one kept whole
            Instant.ofEpochSecond(-1, 999_999_999)); // negative nanos since the epoch
    for (Instant instant : instants) {
      String when = instant.toString();
      Recorder recorder = new Recorder();
      try (EventManager events = synchronous(Clock.fixed(instant, ZoneOffset.UTC))) {
        events.registerEvent(TestEvents.TASK_STARTED, recorder);
        Emission emission = events.emit(TestEvents.TASK_STARTED, "k", 1);
        assertThat(emission.isDone()).isTrue();
      }
      Event event = recorder.events().get(0);
      assertThat(event.timestamp()).as(when).isEqualTo(instant);
      assertThat(event.eventDate() + "T" + event.eventTime())
          .as(when)
          .isEqualTo(isoLocal(instant));
    }
  }

  @Test
  void aMapWithTwoEqualKeys_isRejected() {
    Map<String, Object> identity = new java.util.IdentityHashMap<>();
    identity.put("task", 1);
    identity.put(new String("task"), 2);
    try (EventManager events = synchronous(Clock.systemUTC())) {
      events.registerEvent(TestEvents.TASK_STARTED, e -> {});
      assertThatThrownBy(() -> events.emit(TestEvents.TASK_STARTED, identity))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("duplicate key 'task' at positions 0 and 2");
    }
  }

  @Test
  void awaitingAnEmission_thatCompletesOnAnotherThread_returnsTrue() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    try (EventManager events = new EventManager(2)) {
      events.registerEvent(
          TestEvents.TASK_STARTED,
          e -> {
            try {
              release.await();
            } catch (InterruptedException interrupted) {
              Thread.currentThread().interrupt();
            }
          });
      Emission emission = events.emit(TestEvents.TASK_STARTED, "k", 1);
      assertThat(emission.await(Duration.ofMillis(1))).isFalse();
      release.countDown();
      assertThat(emission.await(Duration.ofSeconds(20))).isTrue();
      assertThat(emission.delivered()).isEqualTo(1);
    }
  }

  private static String isoLocal(Instant instant) {
    java.time.LocalDateTime local = instant.atOffset(ZoneOffset.UTC).toLocalDateTime();
    return local.toLocalDate() + "T" + String.format(java.util.Locale.ROOT, "%02d:%02d:%02d.%06d",
        local.getHour(), local.getMinute(), local.getSecond(), local.getNano() / 1000);
  }
}
