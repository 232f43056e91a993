package org.jorchestrate.nats.internal;

/* A message from the wire that is not an envelope this bridge can read; the message says why. */
final class MalformedEnvelopeException extends Exception {

  private static final long serialVersionUID = 1L;

  MalformedEnvelopeException(String reason) {
    super(reason);
  }
}
