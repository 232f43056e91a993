package org.jorchestrate.events.internal;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import org.jorchestrate.events.Event;
import org.jspecify.annotations.Nullable;

/*
 * Event.params(): an unmodifiable map view over the event's parameters plus the two automatic
 * timestamps, in emission order. Nothing is copied; lookups delegate to the event's linear scan.
 * AbstractMap supplies equals/hashCode/toString, and rejects mutation (put, and remove through the
 * iterator, throw UnsupportedOperationException).
 */
final class ParamsView extends AbstractMap<String, @Nullable Object> {

  private final EventRecord event;

  ParamsView(EventRecord event) {
    this.event = event;
  }

  @Override
  public @Nullable Object get(@Nullable Object key) {
    return key instanceof String name ? event.get(name) : null;
  }

  @Override
  public boolean containsKey(@Nullable Object key) {
    return key instanceof String name && event.has(name);
  }

  @Override
  public int size() {
    return event.arity() + 2;
  }

  @Override
  public Set<Map.Entry<String, @Nullable Object>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<Map.Entry<String, @Nullable Object>> iterator() {
        return new Entries();
      }

      @Override
      public int size() {
        return ParamsView.this.size();
      }
    };
  }

  private final class Entries implements Iterator<Map.Entry<String, @Nullable Object>> {
    private int next; // index of the parameter, then of the two timestamps

    @Override
    public boolean hasNext() {
      return next < event.arity() + 2;
    }

    @Override
    public Map.Entry<String, @Nullable Object> next() {
      int arity = event.arity();
      int index = next;
      if (index >= arity + 2) {
        throw new NoSuchElementException();
      }
      next = index + 1;
      if (index < arity) {
        return new SimpleImmutableEntry<>(event.keyAt(index), event.valueAt(index));
      }
      return index == arity
          ? new SimpleImmutableEntry<>(Event.EVENT_DATE, event.eventDate())
          : new SimpleImmutableEntry<>(Event.EVENT_TIME, event.eventTime());
    }
  }
}
