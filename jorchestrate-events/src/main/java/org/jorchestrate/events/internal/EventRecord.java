package org.jorchestrate.events.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jorchestrate.events.Emission;
import org.jorchestrate.events.Event;
import org.jspecify.annotations.Nullable;

/*
 * One accepted emission: the immutable Event every callback sees, and the Emission handle emit
 * returns. One object serves both so that an emission allocates one object besides its key/value
 * array; the handle costs nothing unless someone awaits it.
 *
 * Outcomes. Each of the `subscribers` deliveries ends once, as delivered, failed or dropped. The
 * three counts are packed into one long (21 bits each) so that ending a delivery is one atomic add
 * and exactly one thread, the one whose add brings the sum to `subscribers`, sees completion. The
 * registry caps a type's subscriptions well below 2^21, so no field overflows into the next.
 *
 * Waiting. `waiter` is null until someone awaits; the awaiter installs a latch with a CAS and then
 * re-reads `outcomes`, the completer adds to `outcomes` and then reads `waiter`. Both sides use
 * volatile accesses, so at least one sees the other (Dekker): no lost wake-up.
 *
 * Lazily formatted strings (date, time, params view) are cached in plain fields: a benign race, as
 * two threads compute equal immutable values and String/the view are safely publishable through
 * their final fields.
 */
final class EventRecord implements Event, Emission {

  private static final int FIELD_BITS = 21;
  private static final long FIELD_MASK = (1L << FIELD_BITS) - 1;
  static final long DELIVERED_ONE = 1L;
  static final long FAILED_ONE = 1L << FIELD_BITS;
  static final long DROPPED_ONE = 1L << (2 * FIELD_BITS);

  /** The most subscriptions one emission can be queued to; fits the 21-bit counters. */
  static final int MAX_SUBSCRIBERS = (int) FIELD_MASK;

  private static final VarHandle OUTCOMES;
  private static final VarHandle WAITER;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      OUTCOMES = lookup.findVarHandle(EventRecord.class, "outcomes", long.class);
      WAITER = lookup.findVarHandle(EventRecord.class, "waiter", CountDownLatch.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Enum<?> type;
  private final @Nullable Object[] keyValues;
  private final long epochSecond;
  private final int nanos;
  private final ZoneId zone;
  private final int subscribers;

  @SuppressWarnings("unused") // accessed through OUTCOMES
  private volatile long outcomes;

  private volatile @Nullable CountDownLatch waiter;

  private @Nullable String date; // benign race: see the class comment
  private @Nullable String time; // benign race
  private @Nullable Map<String, @Nullable Object> params; // benign race

  EventRecord(
      Enum<?> type,
      @Nullable Object[] keyValues,
      long epochSecond,
      int nanos,
      ZoneId zone,
      int subscribers) {
    this.type = type;
    this.keyValues = keyValues;
    this.epochSecond = epochSecond;
    this.nanos = nanos;
    this.zone = zone;
    this.subscribers = subscribers;
  }

  /*
   * For an event emitted elsewhere: its local date and time as its origin formatted them. Called
   * before the record is published (offered to a queue), so plain writes suffice.
   */
  void presetLocal(String eventDate, String eventTime) {
    this.date = eventDate;
    this.time = eventTime;
  }

  // ---------------------------------------------------------------- Event

  @Override
  public Enum<?> type() {
    return type;
  }

  @Override
  public @Nullable Object get(String name) {
    @Nullable Object[] kv = keyValues;
    for (int i = 0; i < kv.length; i += 2) {
      if (name.equals(kv[i])) {
        return kv[i + 1];
      }
    }
    if (name.equals(EVENT_DATE)) {
      return eventDate();
    }
    if (name.equals(EVENT_TIME)) {
      return eventTime();
    }
    return null;
  }

  @Override
  public <T> @Nullable T get(String name, Class<T> expected) {
    Object value = get(name);
    if (value == null) {
      return null;
    }
    Class<?> boxed = Primitives.box(expected);
    if (!boxed.isInstance(value)) {
      throw new ClassCastException(
          "parameter '"
              + name
              + "' of "
              + typeName(type)
              + " is a "
              + value.getClass().getName()
              + ", not a "
              + boxed.getName());
    }
    @SuppressWarnings("unchecked") // checked by isInstance just above
    T result = (T) value;
    return result;
  }

  @Override
  public boolean has(String name) {
    return indexOf(name) >= 0 || name.equals(EVENT_DATE) || name.equals(EVENT_TIME);
  }

  int indexOf(String name) {
    @Nullable Object[] kv = keyValues;
    for (int i = 0; i < kv.length; i += 2) {
      if (name.equals(kv[i])) {
        return i;
      }
    }
    return -1;
  }

  @Nullable Object[] keyValues() {
    return keyValues;
  }

  @Override
  public Map<String, @Nullable Object> params() {
    Map<String, @Nullable Object> view = params;
    if (view == null) {
      view = new ParamsView(this);
      params = view;
    }
    return view;
  }

  @Override
  public String eventDate() {
    String value = date;
    if (value == null) {
      value = IsoTimestamps.date(IsoTimestamps.local(epochSecond, nanos, zone));
      date = value;
    }
    return value;
  }

  @Override
  public String eventTime() {
    String value = time;
    if (value == null) {
      value = IsoTimestamps.time(IsoTimestamps.local(epochSecond, nanos, zone));
      time = value;
    }
    return value;
  }

  @Override
  public Instant timestamp() {
    return Instant.ofEpochSecond(epochSecond, nanos);
  }

  // ---------------------------------------------------------------- Emission

  @Override
  public boolean accepted() {
    return true;
  }

  @Override
  public int subscribers() {
    return subscribers;
  }

  @Override
  public int delivered() {
    return (int) (outcomes & FIELD_MASK);
  }

  @Override
  public int failed() {
    return (int) ((outcomes >>> FIELD_BITS) & FIELD_MASK);
  }

  @Override
  public int dropped() {
    return (int) ((outcomes >>> (2 * FIELD_BITS)) & FIELD_MASK);
  }

  @Override
  public boolean isDone() {
    return ended(outcomes) == subscribers;
  }

  private static int ended(long packed) {
    return (int)
        ((packed & FIELD_MASK)
            + ((packed >>> FIELD_BITS) & FIELD_MASK)
            + ((packed >>> (2 * FIELD_BITS)) & FIELD_MASK));
  }

  /**
   * Ends one delivery.
   *
   * @param outcome one of DELIVERED_ONE, FAILED_ONE, DROPPED_ONE
   */
  void end(long outcome) {
    long now = (long) OUTCOMES.getAndAdd(this, outcome) + outcome;
    if (ended(now) == subscribers) {
      CountDownLatch latch = waiter;
      if (latch != null) {
        latch.countDown();
      }
    }
  }

  @Override
  public boolean await(Duration timeout) throws InterruptedException {
    if (isDone()) {
      return true;
    }
    CountDownLatch latch = waiter;
    if (latch == null) {
      CountDownLatch mine = new CountDownLatch(1);
      latch = WAITER.compareAndSet(this, null, mine) ? mine : waiter;
    }
    if (isDone()) {
      return true;
    }
    return latch != null && latch.await(Durations.saturatedNanos(timeout), TimeUnit.NANOSECONDS);
  }

  // ---------------------------------------------------------------- Object

  @Override
  public String toString() {
    StringBuilder out = new StringBuilder(64).append(typeName(type)).append('{');
    for (int i = 0; i < keyValues.length; i += 2) {
      if (i > 0) {
        out.append(", ");
      }
      out.append(keyValues[i]).append('=').append(keyValues[i + 1]);
    }
    return out.append("}@").append(eventDate()).append('T').append(eventTime()).toString();
  }

  static String typeName(Enum<?> type) {
    return type.getDeclaringClass().getSimpleName() + '.' + type.name();
  }
}
