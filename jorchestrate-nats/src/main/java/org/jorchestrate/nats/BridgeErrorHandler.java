package org.jorchestrate.nats;

/**
 * Receives the errors a {@link NatsEventBridge} meets while it runs, besides its log. Called on
 * the bridge's own threads; it should return quickly. An exception it throws is logged and
 * otherwise ignored.
 */
@FunctionalInterface
public interface BridgeErrorHandler {

  /**
   * Handles one error.
   *
   * @param error what went wrong
   */
  void onError(BridgeError error);
}
