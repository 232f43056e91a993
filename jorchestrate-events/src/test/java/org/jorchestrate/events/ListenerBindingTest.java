package org.jorchestrate.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** @OnEvent listeners: the spec's parameter filtering, resolved at registration. */
@Timeout(60)
class ListenerBindingTest {

  private final List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
  private final EventManager events =
      EventManager.builder()
          .synchronous()
          .shutdownHook(false)
          .errorHandler((error, event, subscription) -> failures.add(error))
          .build();

  @AfterEach
  void shutDown() {
    events.shutdown();
  }

  static final class TaskListener {
    final List<String> calls = Collections.synchronizedList(new ArrayList<>());

    @OnEvent(type = TestEvents.class, name = "TASK_STARTED")
    void started(@Param("task_name") String taskName) {
      calls.add("started " + taskName);
    }

    @OnEvent(type = TestEvents.class, name = "TASK_COMPLETED")
    void completed(String task_name, String result, Map<String, Object> kwargs) {
      calls.add("completed " + task_name + " " + result + " at " + kwargs.get("event_time"));
    }

    @OnEvent(type = TestEvents.class, name = "TASK_FAILED")
    private void failed(Event event, @Param("error") Object error) {
      calls.add("failed " + event.get("task_name") + " " + error);
    }
  }

  @Test
  void registerListener_bindsDeclaredParametersOnly() {
    TaskListener listener = new TaskListener();
    events.registerListener(listener);

    events.emit(TestEvents.TASK_STARTED, "task_name", "a", "extra", 1);
    events.emit(TestEvents.TASK_COMPLETED, "task_name", "a", "result", "ok");
    events.emit(TestEvents.TASK_FAILED, "task_name", "a", "error", "timeout");

    assertThat(failures).isEmpty();
    assertThat(listener.calls).hasSize(3);
    assertThat(listener.calls.get(0)).isEqualTo("started a");
    assertThat(listener.calls.get(1)).matches("completed a ok at \\d{2}:\\d{2}:\\d{2}\\.\\d{6}");
    assertThat(listener.calls.get(2)).isEqualTo("failed a timeout");
  }

  @Test
  void registerListener_kwargsMap_includesEveryParameterAndTimestamps() {
    List<Map<String, Object>> received = new ArrayList<>();
    events.registerListener(
        new Object() {
          @OnEvent(type = TestEvents.class, name = "TASK_STARTED")
          void any(Map<String, ?> kwargs) {
            received.add(Map.copyOf(kwargs));
          }
        });

    events.emit(TestEvents.TASK_STARTED, "task_name", "x", "n", 3);

    assertThat(received.get(0))
        .containsEntry("task_name", "x")
        .containsEntry("n", 3)
        .containsKeys(Event.EVENT_DATE, Event.EVENT_TIME);
  }

  @Test
  void registerListener_timestampsByName() {
    List<String> received = new ArrayList<>();
    events.registerListener(
        new Object() {
          @OnEvent(type = TestEvents.class, name = "TASK_STARTED")
          void at(String event_date, @Param("event_time") String time) {
            received.add(event_date + "T" + time);
          }
        });

    events.emit(TestEvents.TASK_STARTED);

    assertThat(received.get(0)).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{6}");
  }

  @Test
  void registerListener_missingReferenceParameter_bindsNull() {
    List<Object> received = new ArrayList<>();
    events.registerListener(
        new Object() {
          @OnEvent(type = TestEvents.class, name = "TASK_STARTED")
          void started(String task_name, Integer retries) {
            received.add(task_name);
            received.add(retries);
          }
        });

    events.emit(TestEvents.TASK_STARTED);

    assertThat(failures).isEmpty();
    assertThat(received).containsExactly(null, null);
  }

  @Test
  void registerListener_missingPrimitiveParameter_failsTheDeliveryWithAClearMessage() {
    AtomicInteger calls = new AtomicInteger();
    events.registerListener(
        new Object() {
          @OnEvent(type = TestEvents.class, name = "TASK_STARTED")
          void started(int retries) {
            calls.incrementAndGet();
          }
        });

    Emission emission = events.emit(TestEvents.TASK_STARTED);

    assertThat(calls).hasValue(0);
    assertThat(emission.failed()).isEqualTo(1);
    assertThat(failures).singleElement().isInstanceOf(IllegalArgumentException.class);
    assertThat(failures.get(0).getMessage())
        .contains("no parameter 'retries'", "int parameter", "declare it Integer");
  }

  @Test
  void registerListener_nullForPrimitive_failsTheDelivery() {
    events.registerListener(
        new Object() {
          @OnEvent(type = TestEvents.class, name = "TASK_STARTED")
          void started(long count) {}
        });

    events.emit(TestEvents.TASK_STARTED, "count", null);

    assertThat(failures).singleElement().extracting(Throwable::getMessage).asString()
        .contains("'count' is null", "declare it Long");
  }

  @Test
  void registerListener_wrongValueType_failsNamingTheParameter_andOthersStillRun() {
    List<String> received = new ArrayList<>();
    events.registerListener(
        new Object() {
          @OnEvent(type = TestEvents.class, name = "TASK_STARTED")
          void typed(Integer count) {
            received.add("typed " + count);
          }
        });
    events.registerEvent(TestEvents.TASK_STARTED, e -> received.add("plain"));

    Emission emission = events.emit(TestEvents.TASK_STARTED, "count", "seven");

    assertThat(received).containsExactly("plain");
    assertThat(emission.failed()).isEqualTo(1);
    assertThat(emission.delivered()).isEqualTo(1);
    assertThat(failures.get(0).getMessage())
        .contains("parameter 'count' is a java.lang.String", "declares java.lang.Integer");
  }

  @Test
  void registerListener_primitiveParameters_acceptWideningFromNarrowerWrappers() {
    List<Object> received = new ArrayList<>();
    events.registerListener(
        new Object() {
          @OnEvent(type = TestEvents.class, name = "TASK_STARTED")
          void numbers(long asLong, double asDouble, int asInt, boolean flag) {
            received.add(asLong);
            received.add(asDouble);
            received.add(asInt);
            received.add(flag);
          }
        });

    events.emit(
        TestEvents.TASK_STARTED, "asLong", 5, "asDouble", 2.5f, "asInt", (short) 3, "flag", true);
    events.emit(TestEvents.TASK_STARTED, "asLong", 1L, "asDouble", 1L, "asInt", 7L, "flag", false);

    assertThat(received).containsExactly(5L, 2.5d, 3, true);
    assertThat(failures).singleElement().extracting(Throwable::getMessage).asString()
        .contains("'asInt' is a java.lang.Long", "declares int");
  }

  @Test
  void registerListener_methodsOfOneListener_shareOneSubscriptionAndItsOrder() throws Exception {
    EventManager async = new EventManager();
    try {
      List<String> seen = Collections.synchronizedList(new ArrayList<>());
      AtomicInteger concurrent = new AtomicInteger();
      AtomicInteger maxConcurrent = new AtomicInteger();
      Object listener =
          new Object() {
            @OnEvent(type = TestEvents.class, name = "TASK_STARTED")
            void started(int i) {
              record("s" + i);
            }

            @OnEvent(type = TestEvents.class, name = "TASK_COMPLETED")
            void completed(int i) {
              record("c" + i);
            }

            private void record(String entry) {
              maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
              seen.add(entry);
              concurrent.decrementAndGet();
            }
          };
      Subscription subscription = async.registerListener(listener);
      List<String> expected = new ArrayList<>();
      Emission last = null;
      for (int i = 0; i < 500; i++) {
        last = async.emit(i % 2 == 0 ? TestEvents.TASK_STARTED : TestEvents.TASK_COMPLETED, "i", i);
        expected.add((i % 2 == 0 ? "s" : "c") + i);
      }

      assertThat(last.await(Duration.ofSeconds(10))).isTrue();
      assertThat(seen).containsExactlyElementsOf(expected);
      assertThat(maxConcurrent).hasValue(1);
      subscription.unsubscribe();
      assertThat(async.emit(TestEvents.TASK_STARTED, "i", 0).subscribers()).isZero();
      assertThat(async.emit(TestEvents.TASK_COMPLETED, "i", 0).subscribers()).isZero();
    } finally {
      async.shutdown();
    }
  }

  @Test
  void registerListener_twoMethodsForOneEvent_bothRun_evenIfTheFirstThrows() {
    List<String> received = new ArrayList<>();
    Emission emission;
    events.registerListener(
        new Object() {
          @OnEvent(type = TestEvents.class, name = "TASK_STARTED")
          void a() {
            received.add("a");
            throw new IllegalStateException("a fails");
          }

          @OnEvent(type = TestEvents.class, name = "TASK_STARTED")
          void b() {
            received.add("b");
          }
        });

    emission = events.emit(TestEvents.TASK_STARTED);

    assertThat(received).containsExactly("a", "b");
    assertThat(emission.failed()).isEqualTo(1);
    assertThat(failures).singleElement().extracting(Throwable::getMessage).isEqualTo("a fails");
  }

  static class BaseListener {
    final List<String> calls = Collections.synchronizedList(new ArrayList<>());

    @OnEvent(type = TestEvents.class, name = "TASK_STARTED")
    void handle() {
      calls.add("base");
    }

    @OnEvent(type = TestEvents.class, name = "TASK_COMPLETED")
    void inherited() {
      calls.add("inherited");
    }
  }

  static final class DerivedListener extends BaseListener {
    @Override
    @OnEvent(type = TestEvents.class, name = "TASK_STARTED")
    void handle() {
      calls.add("derived");
    }
  }

  @Test
  void registerListener_inheritedAndOverriddenMethods_areBoundOnce() {
    DerivedListener listener = new DerivedListener();
    events.registerListener(listener);

    events.emit(TestEvents.TASK_STARTED);
    events.emit(TestEvents.TASK_COMPLETED);

    assertThat(listener.calls).containsExactly("derived", "inherited");
  }

  static final class StaticListener {
    static final List<String> CALLS = Collections.synchronizedList(new ArrayList<>());

    @OnEvent(type = TestEvents.class, name = "TASK_STARTED")
    static void onStart(@Param("task_name") String name) {
      CALLS.add(name);
    }
  }

  @Test
  void registerListener_staticMethod_isInvoked() {
    StaticListener.CALLS.clear();
    events.registerListener(new StaticListener());

    events.emit(TestEvents.TASK_STARTED, "task_name", "s");

    assertThat(StaticListener.CALLS).containsExactly("s");
  }

  @Test
  void registerListener_unknownConstant_isRejectedListingTheConstants() {
    Object listener =
        new Object() {
          @OnEvent(type = TestEvents.class, name = "TASK_STRATED")
          void typo() {}
        };

    assertThatThrownBy(() -> events.registerListener(listener))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("typo()")
        .hasMessageContaining("TestEvents has no constant 'TASK_STRATED'")
        .hasMessageContaining("[TASK_STARTED, TASK_COMPLETED, TASK_FAILED]");
  }

  @Test
  void registerListener_withoutOnEventMethods_isRejected() {
    assertThatThrownBy(() -> events.registerListener(new Object()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no method annotated @OnEvent");
  }

  @Test
  void registerListener_emptyParam_isRejected() {
    Object listener =
        new Object() {
          @OnEvent(type = TestEvents.class, name = "TASK_STARTED")
          void started(@Param("") String name) {}
        };

    assertThatThrownBy(() -> events.registerListener(listener))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("empty @Param");
  }

  @Test
  void registerListener_mapOfWrongValueType_isRejected() {
    Object listener =
        new Object() {
          @OnEvent(type = TestEvents.class, name = "TASK_STARTED")
          void started(Map<String, String> kwargs) {}
        };

    assertThatThrownBy(() -> events.registerListener(listener))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Map<java.lang.String, java.lang.String>")
        .hasMessageContaining("declare it so, or annotate it with @Param");
  }

  @Test
  void registerListener_annotatedMapParameter_receivesThatParameter() {
    List<Object> received = new ArrayList<>();
    events.registerListener(
        new Object() {
          @OnEvent(type = TestEvents.class, name = "TASK_STARTED")
          void started(@Param("settings") Map<String, String> settings) {
            received.add(settings);
          }
        });

    events.emit(TestEvents.TASK_STARTED, "settings", Map.of("a", "b"));

    assertThat(received).containsExactly(Map.of("a", "b"));
  }

  @Test
  void registerListener_failedRegistration_registersNothing() {
    Object listener =
        new Object() {
          @OnEvent(type = TestEvents.class, name = "TASK_STARTED")
          void good() {}

          @OnEvent(type = TestEvents.class, name = "NOPE")
          void bad() {}
        };

    assertThatThrownBy(() -> events.registerListener(listener))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(events.emit(TestEvents.TASK_STARTED).subscribers()).isZero();
  }

  @Test
  void registerListener_classCompiledWithoutParameterNames_isRejectedWithTheFix(
      @TempDir Path dir) throws Exception {
    Class<?> listenerClass =
        compileWithoutParameterNames(
            dir,
            "NamelessListener",
            "public class NamelessListener {\n"
                + "  @org.jorchestrate.events.OnEvent(type = org.jorchestrate.events.Unnamed.class,"
                + " name = \"PING\")\n"
                + "  public void onPing(String taskName) {}\n"
                + "}\n");
    Object listener = listenerClass.getConstructor().newInstance();

    assertThatThrownBy(() -> events.registerListener(listener))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("NamelessListener.onPing(String)")
        .hasMessageContaining("parameter 0 (String) has no name")
        .hasMessageContaining("@Param")
        .hasMessageContaining("-parameters");
  }

  @Test
  void registerListener_classCompiledWithoutParameterNames_worksWithParam(@TempDir Path dir)
      throws Exception {
    Class<?> listenerClass =
        compileWithoutParameterNames(
            dir,
            "AnnotatedListener",
            "public class AnnotatedListener {\n"
                + "  public static String seen;\n"
                + "  @org.jorchestrate.events.OnEvent(type = org.jorchestrate.events.Unnamed.class,"
                + " name = \"PING\")\n"
                + "  public void onPing(@org.jorchestrate.events.Param(\"task_name\") String n) {"
                + " seen = n; }\n"
                + "}\n");
    events.registerListener(listenerClass.getConstructor().newInstance());

    events.emit(Unnamed.PING, "task_name", "pong");

    assertThat(listenerClass.getField("seen").get(null)).isEqualTo("pong");
  }

  private static Class<?> compileWithoutParameterNames(Path dir, String name, String source)
      throws IOException, ClassNotFoundException {
    Path file = dir.resolve(name + ".java");
    Files.writeString(file, source);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    int status =
        javac.run(
            null,
            null,
            null,
            "-classpath",
            System.getProperty("java.class.path"),
            "-d",
            dir.toString(),
            file.toString());
    assertThat(status).as("javac exit status").isZero();
    URLClassLoader loader =
        new URLClassLoader(new URL[] {dir.toUri().toURL()}, ListenerBindingTest.class.getClassLoader());
    return loader.loadClass(name);
  }
}
