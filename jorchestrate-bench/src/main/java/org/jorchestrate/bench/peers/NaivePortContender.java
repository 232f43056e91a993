package org.jorchestrate.bench.peers;

import java.time.LocalDate;
import java.time.LocalTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;
import org.jorchestrate.bench.Contender;
import org.jorchestrate.bench.Sink;

/**
 * What a user would write from the specification alone: a map of callback lists, a {@code HashMap}
 * of parameters per emission with the two ISO timestamps formatted each time, and one {@code
 * executor.submit} per callback per emission.
 */
public final class NaivePortContender implements Contender {

  private final Map<Enum<?>, List<Consumer<Map<String, Object>>>> callbacks =
      new ConcurrentHashMap<>();
  private final ExecutorService executor;

  /**
   * Creates the naive port with its listeners.
   *
   * @param listeners how many callbacks
   * @param executor the thread pool
   */
  public NaivePortContender(int listeners, ExecutorService executor) {
    this.executor = executor;
    for (int i = 0; i < listeners; i++) {
      int listener = i;
      registerEvent(
          BenchEvents.TICK,
          params -> ((Sink) params.get("sink")).delivered(listener, (Long) params.get("sequence")));
    }
  }

  private void registerEvent(Enum<?> event, Consumer<Map<String, Object>> callback) {
    callbacks.computeIfAbsent(event, e -> new CopyOnWriteArrayList<>()).add(callback);
  }

  private void emit(Enum<?> event, Map<String, Object> params) {
    params.put("event_date", LocalDate.now().toString());
    params.put("event_time", LocalTime.now().toString());
    for (Consumer<Map<String, Object>> callback : callbacks.getOrDefault(event, List.of())) {
      executor.submit(
          () -> {
            try {
              callback.accept(params);
            } catch (RuntimeException e) {
              e.printStackTrace(); // what a naive port does; the benchmark's callbacks never throw
            }
          });
    }
  }

  @Override
  public void emit(long sequence, Sink sink) {
    Map<String, Object> params = new HashMap<>();
    params.put("sequence", sequence);
    params.put("sink", sink);
    emit(BenchEvents.TICK, params);
  }

  @Override
  public void close() {
    Pools.shutdown(executor);
  }
}
