package org.jorchestrate.events.spi;

import org.jorchestrate.events.Event;
import org.jspecify.annotations.Nullable;

/**
 * Carries a manager's local emissions elsewhere, for instance to other processes over a broker.
 * Installed with {@link Relays#install}; at most one per manager.
 *
 * <p>This is an extension point for JOrchestrate's own modules (its module exports it only to
 * them); applications register callbacks instead.
 *
 * <p>Contract, for an emission of a type for which {@link #relays} is true:
 *
 * <ol>
 *   <li>{@link #check} runs on the emitting thread before the emission is accepted; an exception
 *       it throws propagates from {@code emit}, and then nothing is queued or relayed;
 *   <li>if the manager accepts the emission (it is running), its local subscriptions get it and
 *       then {@link #relay} runs on the emitting thread, before {@code emit} returns and before
 *       the manager can terminate. Per emitting thread, relay calls follow emission order.
 * </ol>
 *
 * Emissions made through {@link Relays#emitRemote} are never relayed. Both methods run on the
 * emitter's hot path: they must be quick, must not block, and {@link #relay} must not throw (an
 * exception is logged and swallowed; the local delivery stands).
 */
public interface EmissionRelay {

  /**
   * Tells whether emissions of this type are relayed. Called on every emission; must be quick.
   *
   * @param type the emitted constant
   * @return true to have {@link #check} and {@link #relay} called for it
   */
  boolean relays(Enum<?> type);

  /**
   * Validates an emission before the manager accepts it, and prepares what {@link #relay} needs.
   *
   * @param event the emission as its callbacks would see it
   * @return a token the manager hands back to {@link #relay} with this emission (for instance
   *     the encoded event), or null. Callbacks may run between the two calls on the same thread
   *     (a synchronous manager) and emit again, so the token, not thread-local state, must carry
   *     anything from one call to the other.
   * @throws IllegalArgumentException to refuse the emission; the message should name the bad
   *     parameter and say how to fix it
   */
  @Nullable Object check(Event event);

  /**
   * Takes an accepted emission for relaying.
   *
   * @param event the accepted emission
   * @param token what {@link #check} returned for it
   */
  void relay(Event event, @Nullable Object token);
}
