package org.jorchestrate.events.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jorchestrate.events.Emission;
import org.jorchestrate.events.EventManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The one process-wide shutdown hook: covers live managers, leaks nothing, never hangs exit. */
@Timeout(120)
class ShutdownHooksTest {

  enum Probe {
    PING
  }

  private static int liveThreads(String prefix) {
    return (int)
        Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().startsWith(prefix) && t.isAlive())
            .count();
  }

  @Test
  void thousandsOfManagersCreatedAndClosed_leakNeitherHooksNorThreads() {
    int hooksBefore = ShutdownHooks.registeredCount();
    for (int i = 0; i < 2_000; i++) {
      EventManager events = EventManager.builder().name("churn").workers(1).build();
      events.registerEvent(Probe.PING, e -> {});
      events.emit(Probe.PING);
      assertThat(ShutdownHooks.registeredCount()).isEqualTo(hooksBefore + 1);
      events.shutdown();
    }

    assertThat(ShutdownHooks.registeredCount()).isEqualTo(hooksBefore);
    assertThat(liveThreads("jorchestrate-churn-")).isZero();
  }

  @Test
  void managerWithoutHook_isNotRegistered() {
    int hooksBefore = ShutdownHooks.registeredCount();
    EventManager events = EventManager.builder().shutdownHook(false).build();

    assertThat(ShutdownHooks.registeredCount()).isEqualTo(hooksBefore);
    events.shutdown();
  }

  @Test
  void hookWork_deliversWhatWasAccepted_thenTerminates() throws Exception {
    EventManager events = EventManager.builder().shutdownHook(false).build();
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger delivered = new AtomicInteger();
    events.registerEvent(
        Probe.PING,
        e -> {
          release.await();
          delivered.incrementAndGet();
        });
    for (int i = 0; i < 10; i++) {
      events.emit(Probe.PING);
    }
    Engine engine = engineOf(events);
    new Thread(release::countDown).start();

    ShutdownHooks.shutdownAll(List.of(engine));

    assertThat(delivered).hasValue(10);
    assertThat(events.isTerminated()).isTrue();
  }

  @Test
  void hookWork_withAStuckCallback_givesUpWithinTheTimeout() throws Exception {
    EventManager events =
        EventManager.builder().shutdownHook(false).shutdownTimeout(Duration.ofMillis(200)).build();
    CountDownLatch never = new CountDownLatch(1);
    events.registerEvent(Probe.PING, e -> never.await());
    Emission stuck = events.emit(Probe.PING);

    long start = System.nanoTime();
    ShutdownHooks.shutdownAll(List.of(engineOf(events)));
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    assertThat(tookMillis).isLessThan(10_000); // bounded by the timeout, not by the callback
    assertThat(stuck.await(Duration.ofSeconds(10))).isTrue(); // interrupted when it gave up
    assertThat(stuck.failed()).isEqualTo(1);
  }

  private static Engine engineOf(EventManager events) throws ReflectiveOperationException {
    java.lang.reflect.Field field = EventManager.class.getDeclaredField("engine");
    field.setAccessible(true);
    return (Engine) field.get(events);
  }

  // ---------------------------------------------------------------- a real JVM exit

  private static Process startProbe(String mode) throws IOException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    return new ProcessBuilder(
            java.toString(),
            "-cp",
            System.getProperty("java.class.path"),
            HookProbe.class.getName(),
            mode)
        .redirectErrorStream(false)
        .start();
  }

  private static String read(java.io.InputStream in) throws IOException {
    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
  }

  @Test
  void jvmExit_withoutShutdown_theHookDeliversEveryAcceptedEmission() throws Exception {
    Process process = startProbe("deliver");
    String out = read(process.getInputStream());
    String err = read(process.getErrorStream());
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();

    assertThat(process.exitValue()).as(err).isZero();
    List<String> lines = new ArrayList<>(out.lines().toList());
    assertThat(lines).as(err).hasSize(HookProbe.EVENTS + 1);
    assertThat(lines.get(0)).isEqualTo("main returned");
    for (int i = 0; i < HookProbe.EVENTS; i++) {
      assertThat(lines.get(i + 1)).isEqualTo("delivered " + i);
    }
  }

  @Test
  void jvmExit_withAStuckCallback_exitsAfterTheShutdownTimeout() throws Exception {
    Process process = startProbe("stuck");
    String out = read(process.getInputStream());
    String err = read(process.getErrorStream());
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();

    assertThat(process.exitValue()).isZero();
    assertThat(out).contains("main returned");
    assertThat(err).contains("shutdown gave up after PT0.5S");
  }
}
