package org.jorchestrate.events.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.jorchestrate.events.Emission;
import org.jorchestrate.events.Event;
import org.jorchestrate.events.EventManager;
import org.jorchestrate.events.OnEvent;
import org.jorchestrate.events.Param;

/**
 * Fuzzes {@link OnEvent} binding: a listener shape chosen by the fuzzer (valid ones, and ones that
 * must be rejected at registration), then an emission whose parameter values are of any type or
 * absent. Registration either binds or throws {@link IllegalArgumentException}; a bound method is
 * invoked exactly when every value fits its parameter (null only for references, primitives
 * widening as the JLS allows), and otherwise the delivery fails with a message naming a
 * parameter; nothing escapes to the emitter.
 */
class ListenerBindingFuzzTest {

  enum Fuzzed {
    EVENT
  }

  /** A listener with one parameter of each kind. */
  static final class Typed {
    final List<Object> calls = Collections.synchronizedList(new ArrayList<>());

    @OnEvent(type = Fuzzed.class, name = "EVENT")
    void on(
        @Param("i") int i,
        @Param("l") long l,
        @Param("d") double d,
        @Param("boxed") Integer boxed,
        @Param("s") String s,
        @Param("o") Object o,
        @Param("z") boolean z,
        Map<String, Object> all,
        Event event) {
      calls.add(List.of(i, l, d, z));
    }
  }

  static final class UnknownConstant {
    @OnEvent(type = Fuzzed.class, name = "NOPE")
    void on() {}
  }

  static final class WrongMap {
    @OnEvent(type = Fuzzed.class, name = "EVENT")
    void on(Map<String, String> all) {}
  }

  static final class EmptyParam {
    @OnEvent(type = Fuzzed.class, name = "EVENT")
    void on(@Param("") String s) {}
  }

  static final class NoHandlers {}

  private static Object value(FuzzedDataProvider data) {
    return switch (data.consumeInt(0, 9)) {
      case 0 -> null;
      case 1 -> data.consumeInt();
      case 2 -> data.consumeLong();
      case 3 -> (short) data.consumeInt();
      case 4 -> (byte) data.consumeInt();
      case 5 -> data.consumeDouble();
      case 6 -> data.consumeFloat();
      case 7 -> data.consumeBoolean();
      case 8 -> (char) data.consumeInt(0, 0xFFFF);
      default -> data.consumeString(6);
    };
  }

  /* JLS 5.1.2 widening into a primitive, written independently of the engine. */
  private static boolean fits(Object value, Class<?> type) {
    if (!type.isPrimitive()) {
      return value == null || type.isInstance(value);
    }
    if (value == null) {
      return false;
    }
    if (type == boolean.class) {
      return value instanceof Boolean;
    }
    int rank = rank(value);
    if (rank < 0) {
      return false;
    }
    if (type == int.class) {
      return rank <= 2;
    }
    if (type == long.class) {
      return rank <= 3;
    }
    if (type == double.class) {
      return rank <= 5;
    }
    return false;
  }

  private static int rank(Object value) {
    if (value instanceof Byte) {
      return 0;
    }
    if (value instanceof Short || value instanceof Character) {
      return 1;
    }
    if (value instanceof Integer) {
      return 2;
    }
    if (value instanceof Long) {
      return 3;
    }
    if (value instanceof Float) {
      return 4;
    }
    if (value instanceof Double) {
      return 5;
    }
    return -1;
  }

  @FuzzTest(maxDuration = "60s") // per run of stress/run-fuzz.sh; regression mode ignores it
  void listener_bindsOrRejects_andInvokesExactlyWhenValuesFit(FuzzedDataProvider data)
      throws Exception {
    List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
    try (EventManager events =
        EventManager.builder()
            .synchronous()
            .shutdownHook(false)
            .errorHandler((error, event, subscription) -> failures.add(error))
            .build()) {
      Object[] shapes = {new Typed(), new UnknownConstant(), new WrongMap(), new EmptyParam(),
          new NoHandlers()};
      Object listener = shapes[data.consumeInt(0, shapes.length - 1)];
      try {
        events.registerListener(listener);
      } catch (IllegalArgumentException rejected) {
        assertThat(listener).isNotInstanceOf(Typed.class);
        assertThat(rejected.getMessage()).startsWith("Cannot register");
        return;
      }
      assertThat(listener).isInstanceOf(Typed.class);

      String[] names = {"i", "l", "d", "boxed", "s", "o", "z"};
      Class<?>[] types = {int.class, long.class, double.class, Integer.class, String.class,
          Object.class, boolean.class};
      List<Object> pairs = new ArrayList<>();
      boolean allFit = true;
      for (int p = 0; p < names.length; p++) {
        boolean present = data.consumeBoolean();
        Object value = present ? value(data) : null;
        if (present) {
          pairs.add(names[p]);
          pairs.add(value);
        }
        allFit &= fits(value, types[p]);
      }
      Emission emission = events.emit(Fuzzed.EVENT, pairs.toArray());

      Typed typed = (Typed) listener;
      assertThat(emission.isDone()).isTrue();
      if (allFit) {
        assertThat(failures).as("values %s", pairs).isEmpty();
        assertThat(typed.calls).hasSize(1);
        assertThat(emission.delivered()).isEqualTo(1);
      } else {
        assertThat(typed.calls).as("values %s", pairs).isEmpty();
        assertThat(failures).singleElement()
            .satisfies(f -> {
              assertThat(f).isInstanceOf(IllegalArgumentException.class);
              assertThat(f.getMessage()).contains("was not invoked").contains("'");
            });
        assertThat(emission.failed()).isEqualTo(1);
      }
    }
  }
}
