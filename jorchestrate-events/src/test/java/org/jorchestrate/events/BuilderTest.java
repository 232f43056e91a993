package org.jorchestrate.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Builder settings: validated when given, checked together at build, each given once. */
@Timeout(60)
class BuilderTest {

  @Test
  void workers_outOfRange_namesTheSettingAndRange() {
    assertThatThrownBy(() -> EventManager.builder().workers(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "workers must be at least 1 (the most callbacks running at once), but was 0");
  }

  @Test
  void queueCapacity_outOfRange_namesTheSettingAndRange() {
    assertThatThrownBy(() -> EventManager.builder().queueCapacity(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("queueCapacity must be between 1 and ")
        .hasMessageEndingWith("but was -1");
    assertThatThrownBy(() -> EventManager.builder().queueCapacity(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> EventManager.builder().queueCapacity(Integer.MAX_VALUE))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shutdownTimeout_notPositive_isRejected() {
    assertThatThrownBy(() -> EventManager.builder().shutdownTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("shutdownTimeout must be positive");
    assertThatThrownBy(() -> EventManager.builder().shutdownTimeout(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void idleSpin_outOfRange_namesTheSettingAndRange() {
    assertThatThrownBy(() -> EventManager.builder().idleSpin(Duration.ofNanos(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("idleSpin must be between zero (never spin) and PT1S, but was PT-0.000000001S");
    assertThatThrownBy(() -> EventManager.builder().idleSpin(Duration.ofMillis(1001)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageEndingWith("but was PT1.001S");
    assertThatThrownBy(() -> EventManager.builder().idleSpin(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("idleSpin");
    assertThatThrownBy(() -> EventManager.builder().idleSpin(Duration.ZERO).idleSpin(Duration.ZERO))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("idleSpin was already set to PT0S");
  }

  @Test
  void idleSpin_bounds_areAccepted() {
    try (EventManager never = EventManager.builder().idleSpin(Duration.ZERO).build();
        EventManager longest = EventManager.builder().idleSpin(Duration.ofSeconds(1)).build()) {
      assertThat(never.isShutdown()).isFalse();
      assertThat(longest.isShutdown()).isFalse();
    }
  }

  @Test
  void name_blank_isRejected() {
    assertThatThrownBy(() -> EventManager.builder().name(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("name must not be blank");
  }

  @Test
  void nullSettings_areRejectedWithTheirName() {
    assertThatThrownBy(() -> EventManager.builder().executor(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("executor");
    assertThatThrownBy(() -> EventManager.builder().overflow(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("overflow");
    assertThatThrownBy(() -> EventManager.builder().clock(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("clock");
    assertThatThrownBy(() -> EventManager.builder().errorHandler(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("errorHandler");
  }

  @Test
  void settingTwice_throwsNamingTheSettingAndItsValue() {
    assertThatThrownBy(() -> EventManager.builder().workers(2).workers(3))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("workers was already set to 2");
    assertThatThrownBy(
            () -> EventManager.builder().overflow(OverflowPolicy.FAIL).overflow(OverflowPolicy.BLOCK))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("overflow was already set to FAIL");
    assertThatThrownBy(() -> EventManager.builder().shutdownHook(false).shutdownHook(true))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> EventManager.builder().synchronous().synchronous())
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> EventManager.builder().queueCapacity(8).queueCapacity(8))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void build_conflictingSettings_explainsTheConflict() {
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      assertThatThrownBy(() -> EventManager.builder().executor(pool).workers(2).build())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("either executor(...) or workers(...)");
      assertThatThrownBy(() -> EventManager.builder().synchronous().workers(2).build())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("synchronous()");
      assertThatThrownBy(() -> EventManager.builder().synchronous().executor(pool).build())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("synchronous()");
      assertThatThrownBy(
              () -> EventManager.builder().executor(pool).idleSpin(Duration.ofMillis(1)).build())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("idleSpin(...) applies to the manager's own pool");
      assertThatThrownBy(
              () -> EventManager.builder().synchronous().idleSpin(Duration.ofMillis(1)).build())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("synchronous()")
          .hasMessageContaining("idleSpin(...)");
    } finally {
      pool.shutdown();
    }
  }

  @Test
  void build_usesEverySetting() throws Exception {
    List<Throwable> handled = new ArrayList<>();
    Instant moment = Instant.parse("2030-05-06T07:08:09.000010Z");
    try (EventManager events =
        EventManager.builder()
            .name("custom")
            .synchronous()
            .queueCapacity(1)
            .overflow(OverflowPolicy.DROP_NEWEST)
            .errorHandler((error, event, subscription) -> handled.add(error))
            .clock(Clock.fixed(moment, ZoneOffset.UTC))
            .shutdownHook(false)
            .shutdownTimeout(Duration.ofSeconds(1))
            .build()) {
      Recorder recorder = new Recorder();
      events.registerEvent(TestEvents.TASK_STARTED, recorder);
      events.registerEvent(
          TestEvents.TASK_STARTED,
          e -> {
            throw new IllegalStateException("handled");
          });

      events.emit(TestEvents.TASK_STARTED);

      assertThat(events.toString()).contains("custom");
      assertThat(recorder.threads()).containsExactly(Thread.currentThread().getName());
      assertThat(recorder.events().get(0).eventTime()).isEqualTo("07:08:09.000010");
      assertThat(handled).singleElement().extracting(Throwable::getMessage).isEqualTo("handled");
    }
  }

  @Test
  void builder_canBuildSeveralIndependentManagers() {
    EventManager.Builder builder = EventManager.builder().workers(1);
    try (EventManager first = builder.build();
        EventManager second = builder.build()) {
      first.shutdown();

      assertThat(first.isShutdown()).isTrue();
      assertThat(second.isShutdown()).isFalse();
    }
  }
}
