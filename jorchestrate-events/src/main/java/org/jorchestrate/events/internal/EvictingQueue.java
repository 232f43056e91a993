package org.jorchestrate.events.internal;

import java.util.AbstractQueue;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import org.jspecify.annotations.Nullable;

/*
 * The queue of a DROP_OLDEST subscription: emitters must be able to remove the head while the drain
 * polls it, and an eviction must swap the oldest event for the new one atomically, so that a
 * drain never finds the queue empty in the middle of a swap and goes idle on it.
 * A lock around an ArrayDeque does both simply; DROP_OLDEST is the policy for "latest value wins"
 * streams, where this cost is acceptable. The deque grows on demand, so a large capacity costs
 * memory only when used.
 */
final class EvictingQueue extends AbstractQueue<EventRecord> {

  private final ArrayDeque<EventRecord> deque = new ArrayDeque<>();

  /** Removes the oldest event and appends {@code event}, atomically; null if the queue was empty. */
  synchronized @Nullable EventRecord replaceOldest(EventRecord event) {
    EventRecord oldest = deque.pollFirst();
    if (oldest != null) {
      deque.addLast(event);
    }
    return oldest;
  }

  @Override
  public synchronized boolean offer(EventRecord event) {
    return deque.offerLast(event);
  }

  @Override
  public synchronized @Nullable EventRecord poll() {
    return deque.pollFirst();
  }

  @Override
  public synchronized @Nullable EventRecord peek() {
    return deque.peekFirst();
  }

  @Override
  public synchronized int size() {
    return deque.size();
  }

  /** Iterates over a snapshot; the mailbox does not iterate, but a Queue must. */
  @Override
  public synchronized Iterator<EventRecord> iterator() {
    return new ArrayList<>(deque).iterator();
  }
}
