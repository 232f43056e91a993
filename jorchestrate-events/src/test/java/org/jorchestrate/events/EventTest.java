package org.jorchestrate.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The Event as callbacks see it, checked on a synchronous manager, mostly with a fixed clock. */
@Timeout(60)
class EventTest {

  private static final Instant MOMENT = Instant.parse("2026-11-23T13:30:00.123456789Z");

  private static Event emitAndCapture(Clock clock, Object... keyValues) {
    List<Event> captured = new ArrayList<>();
    try (EventManager events =
        EventManager.builder().synchronous().clock(clock).shutdownHook(false).build()) {
      events.registerEvent(TestEvents.TASK_STARTED, captured::add);
      events.emit(TestEvents.TASK_STARTED, keyValues);
    }
    assertThat(captured).hasSize(1);
    return captured.get(0);
  }

  @Test
  void eventDateAndTime_areIsoLocalDateAndTimeWithMicroseconds() {
    Event event = emitAndCapture(Clock.fixed(MOMENT, ZoneId.of("Europe/Paris")));

    assertThat(event.eventDate()).isEqualTo("2026-11-23");
    assertThat(event.eventTime()).isEqualTo("14:30:00.123456");
    assertThat(event.timestamp()).isEqualTo(MOMENT);
  }

  @Test
  void theSystemClock_stampsTheTimeOfTheEmission_inItsZone() {
    ZoneId tokyo = ZoneId.of("Asia/Tokyo");
    Instant before = Instant.now();
    Event event = emitAndCapture(Clock.system(tokyo));
    Instant after = Instant.now();

    assertThat(event.timestamp()).isBetween(before, after);
    assertThat(event.eventDate())
        .isEqualTo(LocalDate.ofInstant(event.timestamp(), tokyo).toString());
  }

  @Test
  void eventDateAndTime_followTheClocksZone_acrossMidnight() {
    Event event = emitAndCapture(Clock.fixed(MOMENT, ZoneId.of("Pacific/Kiritimati"))); // UTC+14

    assertThat(event.eventDate()).isEqualTo("2026-11-24");
    assertThat(event.eventTime()).isEqualTo("03:30:00.123456");
  }

  @Test
  void eventTime_withZeroMicroseconds_keepsSixDigits() {
    Event event =
        emitAndCapture(Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC));

    assertThat(event.eventDate()).isEqualTo("2026-01-02");
    assertThat(event.eventTime()).isEqualTo("03:04:05.000000");
  }

  @Test
  void get_automaticParameters_matchTheAccessors() {
    Event event = emitAndCapture(Clock.fixed(MOMENT, ZoneOffset.UTC), "task_name", "x");

    assertThat(event.get(Event.EVENT_DATE)).isEqualTo(event.eventDate());
    assertThat(event.get(Event.EVENT_TIME)).isEqualTo(event.eventTime());
    assertThat(event.has(Event.EVENT_DATE)).isTrue();
    assertThat(event.has(Event.EVENT_TIME)).isTrue();
  }

  @Test
  void get_missingOrNullParameter_returnsNull_andHasTellsThemApart() {
    Event event = emitAndCapture(Clock.systemUTC(), "present", null);

    assertThat(event.get("present")).isNull();
    assertThat(event.get("absent")).isNull();
    assertThat(event.has("present")).isTrue();
    assertThat(event.has("absent")).isFalse();
  }

  @Test
  void getTyped_matchingType_returnsTheValue() {
    Event event = emitAndCapture(Clock.systemUTC(), "count", 5, "name", "x");

    assertThat(event.get("count", Integer.class)).isEqualTo(5);
    assertThat(event.get("count", int.class)).isEqualTo(5);
    assertThat(event.get("name", CharSequence.class)).isEqualTo("x");
    assertThat(event.get("absent", String.class)).isNull();
  }

  @Test
  void getTyped_wrongType_throwsNamingParameterAndBothTypes() {
    Event event = emitAndCapture(Clock.systemUTC(), "count", "five");

    assertThatThrownBy(() -> event.get("count", Integer.class))
        .isInstanceOf(ClassCastException.class)
        .hasMessageContaining("'count'")
        .hasMessageContaining("java.lang.String")
        .hasMessageContaining("java.lang.Integer")
        .hasMessageContaining("TestEvents.TASK_STARTED");
  }

  @Test
  void params_listsEmittedParametersInOrder_thenDateAndTime() {
    Event event =
        emitAndCapture(Clock.fixed(MOMENT, ZoneOffset.UTC), "b", 2, "a", 1, "nothing", null);

    Map<String, Object> params = event.params();

    assertThat(params.keySet())
        .containsExactly("b", "a", "nothing", Event.EVENT_DATE, Event.EVENT_TIME);
    assertThat(params).hasSize(5).containsEntry("b", 2).containsEntry("nothing", null);
    assertThat(params.get(Event.EVENT_TIME)).isEqualTo("13:30:00.123456");
    assertThat(params.containsKey("nothing")).isTrue();
    assertThat(params.containsKey("absent")).isFalse();
    assertThat(params)
        .isEqualTo(
            new java.util.LinkedHashMap<>(params)); // a well-behaved Map: equals any equal map
  }

  @Test
  void params_isUnmodifiable() {
    Event event = emitAndCapture(Clock.systemUTC(), "k", "v");
    Map<String, Object> params = event.params();

    assertThatThrownBy(() -> params.put("k", "w"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> params.remove("k")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> params.entrySet().iterator().next().setValue("w"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(params::clear).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void toString_showsTypeParametersAndTime() {
    Event event = emitAndCapture(Clock.fixed(MOMENT, ZoneOffset.UTC), "task_name", "x");

    assertThat(event.toString())
        .isEqualTo("TestEvents.TASK_STARTED{task_name=x}@2026-11-23T13:30:00.123456");
  }
}
