package org.jorchestrate.events;

import java.util.ArrayList;
import java.util.List;

/** A callback that records what it receives, and on which thread. Thread-safe. */
final class Recorder implements EventCallback {

  private final List<Event> events = new ArrayList<>();
  private final List<String> threads = new ArrayList<>();

  @Override
  public synchronized void onEvent(Event event) {
    events.add(event);
    threads.add(Thread.currentThread().getName());
  }

  synchronized List<Event> events() {
    return List.copyOf(events);
  }

  synchronized List<String> threads() {
    return List.copyOf(threads);
  }

  synchronized int count() {
    return events.size();
  }
}
