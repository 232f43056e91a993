package org.jorchestrate.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Bad input to emit: a clear IllegalArgumentException, and nothing delivered. */
@Timeout(60)
class EmitValidationTest {

  private final Recorder recorder = new Recorder();
  private final EventManager events = EventManager.builder().synchronous().build();

  {
    events.registerEvent(TestEvents.TASK_STARTED, recorder);
  }

  @AfterEach
  void nothingWasDelivered() {
    events.shutdown();
    assertThat(recorder.count()).isZero();
  }

  @Test
  void emit_oddNumberOfArguments_namesTheKeyWithoutValue() {
    assertThatThrownBy(() -> events.emit(TestEvents.TASK_STARTED, "task_name", "x", "result"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("emit(TestEvents.TASK_STARTED)")
        .hasMessageContaining("key/value pairs")
        .hasMessageContaining("3 arguments")
        .hasMessageContaining("'result' has no value");
  }

  @Test
  void emit_nullKey_isRejected() {
    assertThatThrownBy(() -> events.emit(TestEvents.TASK_STARTED, null, "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("key at position 0 is null");
  }

  @Test
  void emit_nonStringKey_namesItsType() {
    assertThatThrownBy(() -> events.emit(TestEvents.TASK_STARTED, "a", 1, 42, "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("key at position 2 is 42, a java.lang.Integer")
        .hasMessageContaining("keys must be non-null Strings");
  }

  @Test
  void emit_emptyKey_isRejected() {
    assertThatThrownBy(() -> events.emit(TestEvents.TASK_STARTED, "", "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("key at position 0 is empty");
  }

  @Test
  void emit_duplicateKey_namesBothPositions() {
    assertThatThrownBy(() -> events.emit(TestEvents.TASK_STARTED, "a", 1, "b", 2, "a", 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("duplicate key 'a' at positions 0 and 4");
  }

  @Test
  void emit_reservedKeys_areRejected() {
    assertThatThrownBy(() -> events.emit(TestEvents.TASK_STARTED, "event_date", "2020-01-01"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'event_date' is reserved");
    assertThatThrownBy(() -> events.emit(TestEvents.TASK_STARTED, "event_time", "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'event_time' is reserved");
  }

  @Test
  void emit_nullArray_isRejected() {
    assertThatThrownBy(() -> events.emit(TestEvents.TASK_STARTED, (Object[]) null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("key/value array is null");
  }

  @Test
  void emitMap_nullKey_isRejected() {
    Map<String, Object> params = new HashMap<>();
    params.put(null, "x");

    assertThatThrownBy(() -> events.emit(TestEvents.TASK_STARTED, params))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("key at position 0 is null");
  }

  @Test
  @SuppressWarnings({"unchecked", "rawtypes"})
  void emitMap_nonStringKeyThroughRawTypes_isRejected() {
    Map raw = new HashMap();
    raw.put(7, "x");

    assertThatThrownBy(() -> events.emit(TestEvents.TASK_STARTED, (Map<String, ?>) raw))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("java.lang.Integer");
  }

  @Test
  void emitMap_reservedKey_isRejected() {
    assertThatThrownBy(() -> events.emit(TestEvents.TASK_STARTED, Map.of("event_time", "x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'event_time' is reserved");
  }

  @Test
  void emit_badInputToAnEventWithoutSubscribers_isStillRejected() {
    assertThatThrownBy(() -> events.emit(TestEvents.TASK_FAILED, "lonely"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
