package org.jorchestrate.events.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jorchestrate.events.Emission;
import org.jorchestrate.events.Event;
import org.jspecify.annotations.Nullable;

/*
 * One accepted emission: the immutable Event every callback sees, and the Emission handle emit
 * returns. One object serves both, and it is kept to 48 bytes (with compressed class pointers and
 * oops): the names, type and zone live in a shared Shape, up to two values inline, the instant as
 * one long, and everything an emission rarely needs (a waiter, the formatted date and time, the
 * params view) in an Extras object made on first use. An emission with up to two parameters whose
 * Emission is ignored allocates nothing else. With more parameters, `value0` holds the caller's
 * key/value array (values at the odd positions), which the Javadoc of emit says is not copied.
 *
 * Outcomes. Each of the `subscribers` deliveries ends once, as delivered, failed or dropped. The
 * three counts are packed into one long (21 bits each) so that ending a delivery is one atomic add
 * and exactly one thread, the one whose add brings the sum to `subscribers`, sees completion. The
 * registry caps a type's subscriptions well below 2^21, so no field overflows into the next.
 *
 * Waiting. The awaiter makes sure `extras` exists (a CAS), installs a latch in it with a CAS and
 * then re-reads `outcomes`; the completer adds to `outcomes` and then reads `extras` and its
 * waiter. All of these are volatile accesses, so at least one side sees the other (Dekker): no
 * lost wake-up.
 *
 * Time. `epochNanos` holds the instant as nanoseconds since the epoch, which covers the years 1677
 * to 2262; an instant outside (a custom clock, a remote timestamp) is kept whole in Extras, with
 * OUTSIDE_NANOS here.
 */
final class EventRecord implements Event, Emission {

  private static final int FIELD_BITS = 21;
  private static final long FIELD_MASK = (1L << FIELD_BITS) - 1;
  static final long DELIVERED_ONE = 1L;
  static final long FAILED_ONE = 1L << FIELD_BITS;
  static final long DROPPED_ONE = 1L << (2 * FIELD_BITS);

  /** The most subscriptions one emission can be queued to; fits the 21-bit counters. */
  static final int MAX_SUBSCRIBERS = (int) FIELD_MASK;

  private static final long OUTSIDE_NANOS = Long.MIN_VALUE;
  private static final long NANOS_PER_SECOND = 1_000_000_000L;
  private static final long MIN_SECOND = Long.MIN_VALUE / NANOS_PER_SECOND; // exclusive
  private static final long MAX_SECOND = Long.MAX_VALUE / NANOS_PER_SECOND; // exclusive

  private static final VarHandle OUTCOMES;
  private static final VarHandle EXTRAS;
  private static final VarHandle WAITER;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      OUTCOMES = lookup.findVarHandle(EventRecord.class, "outcomes", long.class);
      EXTRAS = lookup.findVarHandle(EventRecord.class, "extras", Extras.class);
      WAITER = lookup.findVarHandle(Extras.class, "waiter", CountDownLatch.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Shape shape;
  private final @Nullable Object value0; // the first value; with more than two, the pairs array
  private final @Nullable Object value1;
  private final long epochNanos;
  private final int subscribers;

  @SuppressWarnings("unused") // accessed through OUTCOMES
  private volatile long outcomes;

  private volatile @Nullable Extras extras;

  /* What an emission rarely needs; made on first use. */
  private static final class Extras {
    final @Nullable Instant instant; // only when outside the range of epochNanos
    volatile @Nullable CountDownLatch waiter;
    @Nullable String date; // benign race: equal immutable values, safely published Strings
    @Nullable String time; // benign race
    @Nullable Map<String, @Nullable Object> params; // benign race: the view has a final field

    Extras(@Nullable Instant instant) {
      this.instant = instant;
    }
  }

  EventRecord(
      Shape shape, @Nullable Object value0, @Nullable Object value1, Instant at, int subscribers) {
    this.shape = shape;
    this.value0 = value0;
    this.value1 = value1;
    this.subscribers = subscribers;
    long second = at.getEpochSecond();
    int nanoOfSecond = at.getNano(); // with getEpochSecond: the whole instant
    if (second > MIN_SECOND && second < MAX_SECOND) {
      this.epochNanos = second * NANOS_PER_SECOND + nanoOfSecond;
    } else {
      this.epochNanos = OUTSIDE_NANOS;
      this.extras = new Extras(at);
    }
  }

  /*
   * For an event emitted elsewhere: its local date and time as its origin formatted them. Called
   * before the record is published (offered to a queue).
   */
  void presetLocal(String eventDate, String eventTime) {
    Extras more = extras();
    more.date = eventDate;
    more.time = eventTime;
  }

  private Extras extras() {
    Extras more = extras;
    if (more == null) {
      Extras made = new Extras(null);
      more = EXTRAS.compareAndSet(this, null, made) ? made : extras;
    }
    return requireNonNull(more);
  }

  private static Extras requireNonNull(@Nullable Extras more) {
    if (more == null) {
      throw new AssertionError("extras are set once and never cleared");
    }
    return more;
  }

  // ---------------------------------------------------------------- Event

  @Override
  public Enum<?> type() {
    return shape.type;
  }

  int arity() {
    return shape.arity();
  }

  String keyAt(int index) {
    return shape.keys[index];
  }

  @Nullable Object valueAt(int index) {
    if (shape.arity() > 2) {
      return ((@Nullable Object[]) requireValues())[2 * index + 1];
    }
    return index == 0 ? value0 : value1;
  }

  private Object requireValues() {
    Object pairs = value0;
    if (pairs == null) {
      throw new AssertionError("an event with more than two parameters holds its pairs array");
    }
    return pairs;
  }

  @Override
  public @Nullable Object get(String name) {
    int index = shape.indexOf(name);
    if (index >= 0) {
      return valueAt(index);
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
              + typeName(shape.type)
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
    return shape.indexOf(name) >= 0 || name.equals(EVENT_DATE) || name.equals(EVENT_TIME);
  }

  @Override
  public Map<String, @Nullable Object> params() {
    Extras more = extras();
    Map<String, @Nullable Object> view = more.params;
    if (view == null) {
      view = new ParamsView(this);
      more.params = view;
    }
    return view;
  }

  @Override
  public String eventDate() {
    Extras more = extras();
    String value = more.date;
    if (value == null) {
      value = IsoTimestamps.date(IsoTimestamps.local(timestamp(), shape.zone));
      more.date = value;
    }
    return value;
  }

  @Override
  public String eventTime() {
    Extras more = extras();
    String value = more.time;
    if (value == null) {
      value = IsoTimestamps.time(IsoTimestamps.local(timestamp(), shape.zone));
      more.time = value;
    }
    return value;
  }

  @Override
  public Instant timestamp() {
    long nanos = epochNanos;
    if (nanos == OUTSIDE_NANOS) {
      Instant whole = requireNonNull(extras).instant;
      if (whole == null) {
        throw new AssertionError("an instant outside epochNanos is kept in extras");
      }
      return whole;
    }
    return Instant.ofEpochSecond(
        Math.floorDiv(nanos, NANOS_PER_SECOND), Math.floorMod(nanos, NANOS_PER_SECOND));
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
      Extras more = extras;
      CountDownLatch latch = more == null ? null : more.waiter;
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
    Extras more = extras();
    CountDownLatch latch = more.waiter;
    if (latch == null) {
      CountDownLatch mine = new CountDownLatch(1);
      latch = WAITER.compareAndSet(more, null, mine) ? mine : more.waiter;
    }
    if (isDone()) {
      return true;
    }
    return latch != null && latch.await(Durations.saturatedNanos(timeout), TimeUnit.NANOSECONDS);
  }

  // ---------------------------------------------------------------- Object

  @Override
  public String toString() {
    StringBuilder out = new StringBuilder(64).append(typeName(shape.type)).append('{');
    for (int i = 0; i < shape.arity(); i++) {
      if (i > 0) {
        out.append(", ");
      }
      out.append(keyAt(i)).append('=').append(valueAt(i));
    }
    return out.append("}@").append(eventDate()).append('T').append(eventTime()).toString();
  }

  static String typeName(Enum<?> type) {
    return type.getDeclaringClass().getSimpleName() + '.' + type.name();
  }
}
