package org.jorchestrate.events.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jorchestrate.events.Event;
import org.jorchestrate.events.EventManager;

/**
 * Fuzzes emit's key/value validation against an independent model of the rules: an even count,
 * non-null non-empty String keys, no duplicate, neither {@code event_date} nor {@code event_time}.
 * A valid emission must be delivered with exactly its pairs; an invalid one must throw {@link
 * IllegalArgumentException} and deliver nothing; nothing else may escape.
 *
 * <p>Regression mode (the seeds in {@code EmitFuzzTestInputs}) runs in every test run; {@code
 * stress/run-fuzz.sh} fuzzes.
 */
class EmitFuzzTest {

  enum Fuzzed {
    EVENT
  }

  private static final String[] KEYS = {"a", "b", "task_name", "", "event_date", "event_time"};

  private static Object element(FuzzedDataProvider data) {
    return switch (data.consumeInt(0, 6)) {
      case 0 -> null;
      case 1 -> data.consumeInt();
      case 2 -> KEYS[data.consumeInt(0, KEYS.length - 1)];
      case 3 -> data.consumeString(8);
      case 4 -> data.consumeBoolean();
      case 5 -> List.of(data.consumeInt());
      default -> data.consumeLong();
    };
  }

  /* The rules, written independently of the engine's validation. */
  private static boolean valid(Object[] keyValues) {
    if (keyValues.length % 2 != 0) {
      return false;
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      if (!(keyValues[i] instanceof String key)
          || key.isEmpty()
          || key.equals("event_date")
          || key.equals("event_time")
          || !seen.add(key)) {
        return false;
      }
    }
    return true;
  }

  @FuzzTest(maxDuration = "60s") // per run of stress/run-fuzz.sh; regression mode ignores it
  void emit_keyValues_matchTheModel(FuzzedDataProvider data) {
    Object[] keyValues = new Object[data.consumeInt(0, 9)];
    for (int i = 0; i < keyValues.length; i++) {
      keyValues[i] = element(data);
    }
    List<Event> received = new ArrayList<>();
    try (EventManager events =
        EventManager.builder().synchronous().shutdownHook(false).build()) {
      events.registerEvent(Fuzzed.EVENT, received::add);
      boolean valid = valid(keyValues);
      try {
        events.emit(Fuzzed.EVENT, keyValues.clone());
        if (!valid) {
          fail("accepted invalid pairs %s", java.util.Arrays.toString(keyValues));
        }
      } catch (IllegalArgumentException rejected) {
        if (valid) {
          throw new AssertionError("rejected valid pairs " + java.util.Arrays.toString(keyValues),
              rejected);
        }
        assertThat(rejected.getMessage()).startsWith("emit(Fuzzed.EVENT): ");
        assertThat(received).isEmpty();
        return;
      }
      assertThat(received).hasSize(1);
      Map<String, Object> expected = new LinkedHashMap<>();
      for (int i = 0; i < keyValues.length; i += 2) {
        expected.put((String) keyValues[i], keyValues[i + 1]);
      }
      Event event = received.get(0);
      for (Map.Entry<String, Object> pair : expected.entrySet()) {
        assertThat(event.has(pair.getKey())).isTrue();
        assertThat(event.get(pair.getKey())).isEqualTo(pair.getValue());
      }
      assertThat(event.params()).hasSize(expected.size() + 2);
    }
  }

  @FuzzTest(maxDuration = "60s") // per run of stress/run-fuzz.sh; regression mode ignores it
  void emit_map_matchesTheModel(FuzzedDataProvider data) {
    Map<String, Object> params = new LinkedHashMap<>();
    int count = data.consumeInt(0, 5);
    for (int i = 0; i < count; i++) {
      Object key = element(data);
      params.put(key instanceof String ? (String) key : String.valueOf(key), element(data));
    }
    boolean valid =
        params.keySet().stream()
            .noneMatch(k -> k.isEmpty() || k.equals("event_date") || k.equals("event_time"));
    List<Event> received = new ArrayList<>();
    try (EventManager events =
        EventManager.builder().synchronous().shutdownHook(false).build()) {
      events.registerEvent(Fuzzed.EVENT, received::add);
      try {
        events.emit(Fuzzed.EVENT, params);
        assertThat(valid).as("accepted %s", params).isTrue();
        assertThat(received).singleElement().satisfies(e -> assertThat(e.params())
            .hasSize(params.size() + 2));
      } catch (IllegalArgumentException rejected) {
        assertThat(valid).as("rejected %s: %s", params, rejected.getMessage()).isFalse();
        assertThat(received).isEmpty();
      }
    }
  }
}
