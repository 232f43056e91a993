package org.jorchestrate.orchestrator;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import org.jorchestrate.agent.AgentStateEvent;
import org.jorchestrate.events.Event;
import org.jorchestrate.events.EventManager;
import org.jorchestrate.events.Subscription;
import org.jspecify.annotations.Nullable;

/**
 * The last events of an event manager, in a ring buffer of fixed capacity, fed by a wildcard
 * subscription: memory stays constant however long the run.
 *
 * <p>It keeps the most recent {@link #capacity()} events; older ones are overwritten, but every
 * event is counted in {@link #counts()} and {@link #recorded()}. Queries return snapshots, oldest
 * first, and never block the manager for long. All methods are thread-safe. Events are recorded in
 * the order its subscription receives them: per emitting thread, in emission order.
 */
public final class EventHistory implements AutoCloseable {

  /** The capacity of an orchestrator's history unless configured. */
  public static final int DEFAULT_CAPACITY = 5_000;

  private final Object lock = new Object();
  private final @Nullable Event[] ring; // guarded by lock
  private int next; // guarded by lock: where the next event goes
  private long recorded; // guarded by lock
  private final Map<Enum<?>, Long> counts = new LinkedHashMap<>(); // guarded by lock
  private final Subscription subscription;

  private EventHistory(EventManager manager, int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException(
          "an event history's capacity must be at least 1, but was " + capacity);
    }
    this.ring = new Event[capacity];
    this.subscription = manager.registerAll(this::record);
  }

  /**
   * Starts recording every event of a manager, with the default capacity of {@value
   * #DEFAULT_CAPACITY}.
   *
   * @param manager the event manager to follow
   * @return the history, recording from now on
   */
  public static EventHistory attachTo(EventManager manager) {
    return attachTo(manager, DEFAULT_CAPACITY);
  }

  /**
   * Starts recording every event of a manager.
   *
   * @param manager the event manager to follow
   * @param capacity how many of the most recent events to keep; at least 1
   * @return the history, recording from now on
   * @throws IllegalArgumentException if the capacity is less than 1
   */
  public static EventHistory attachTo(EventManager manager, int capacity) {
    Objects.requireNonNull(manager, "manager must not be null");
    return new EventHistory(manager, capacity);
  }

  private void record(Event event) {
    synchronized (lock) {
      ring[next] = event;
      next = next + 1 == ring.length ? 0 : next + 1;
      recorded++;
      counts.merge(event.type(), 1L, Long::sum);
    }
  }

  /**
   * Returns the most recent events.
   *
   * @param n how many at most; 0 or less gives an empty list
   * @return up to {@code n} events, oldest first
   */
  public List<Event> last(int n) {
    return select(n, event -> true);
  }

  /**
   * Returns the retained events that carry {@value AgentStateEvent#AGENT_NAME} equal to the given
   * name: an agent's state events and the orchestrator's events about it.
   *
   * @param agentName the agent's name
   * @return its retained events, oldest first
   */
  public List<Event> byAgent(String agentName) {
    Objects.requireNonNull(agentName, "agentName must not be null");
    return select(
        Integer.MAX_VALUE, event -> agentName.equals(event.get(AgentStateEvent.AGENT_NAME)));
  }

  /**
   * Returns the retained events of one type.
   *
   * @param type the event, an enum constant
   * @return its retained events, oldest first
   */
  public List<Event> byType(Enum<?> type) {
    Objects.requireNonNull(type, "type must not be null");
    return select(Integer.MAX_VALUE, event -> event.type() == type);
  }

  /**
   * Returns how many events of each type were recorded since the history was attached, including
   * those no longer retained.
   *
   * @return an unmodifiable snapshot, in order of each type's first appearance
   */
  public Map<Enum<?>, Long> counts() {
    synchronized (lock) {
      return Collections.unmodifiableMap(new LinkedHashMap<>(counts));
    }
  }

  /**
   * Returns how many events were recorded since the history was attached.
   *
   * @return the total, retained or not
   */
  public long recorded() {
    synchronized (lock) {
      return recorded;
    }
  }

  /**
   * Returns how many events are retained now.
   *
   * @return at most {@link #capacity()}
   */
  public int size() {
    synchronized (lock) {
      return (int) Math.min(recorded, ring.length);
    }
  }

  /**
   * Returns how many events the history retains at most.
   *
   * @return the capacity
   */
  public int capacity() {
    return ring.length;
  }

  /** Stops recording; what was recorded stays readable. Idempotent. */
  @Override
  public void close() {
    subscription.unsubscribe();
  }

  private List<Event> select(int limit, Predicate<Event> filter) {
    List<Event> newestFirst = new ArrayList<>();
    synchronized (lock) {
      int retained = (int) Math.min(recorded, ring.length);
      for (int i = 1; i <= retained && newestFirst.size() < limit; i++) {
        Event event = ring[Math.floorMod(next - i, ring.length)];
        if (event != null && filter.test(event)) {
          newestFirst.add(event);
        }
      }
    }
    Collections.reverse(newestFirst);
    return Collections.unmodifiableList(newestFirst);
  }
}
