package org.jorchestrate.events;

/**
 * Thrown by {@code emit} under {@link OverflowPolicy#FAIL} when a subscription's queue is full. The
 * emission was queued to no subscription; retrying it later is safe.
 */
public final class QueueFullException extends IllegalStateException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what was full and how to avoid it
   */
  public QueueFullException(String message) {
    super(message);
  }
}
