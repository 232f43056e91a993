package org.jorchestrate.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every contender delivers every emission to every listener, from two emitting threads: the
 * benchmarks' smoke pass, run by the test command so that they keep compiling and working.
 */
@Timeout(120)
class ContendersTest {

  static List<Arguments> contenders() {
    List<Arguments> all = new ArrayList<>();
    for (String name : Contenders.LATENCY_NAMES) {
      all.add(Arguments.of(name, 1));
      all.add(Arguments.of(name, 10));
    }
    return all;
  }

  @ParameterizedTest(name = "{0} with {1} listener(s)")
  @MethodSource("contenders")
  void contender_deliversEveryEmissionToEveryListener(String name, int listeners)
      throws Exception {
    int perEmitter = 5_000;
    try (Contender contender = Contenders.create(name, listeners)) {
      Sink[] sinks = {new Sink(listeners), new Sink(listeners)};
      List<Thread> emitters = new ArrayList<>();
      for (Sink sink : sinks) {
        Thread emitter =
            new Thread(
                () -> {
                  for (int i = 0; i < perEmitter; i++) {
                    contender.emit(i, sink);
                  }
                });
        emitter.start();
        emitters.add(emitter);
      }
      for (Thread emitter : emitters) {
        emitter.join();
      }
      for (Sink sink : sinks) {
        sink.awaitDelivered((long) perEmitter * listeners);
        assertThat(sink.count()).isEqualTo((long) perEmitter * listeners);
      }
    }
  }
}
