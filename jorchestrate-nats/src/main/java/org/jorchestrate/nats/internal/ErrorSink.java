package org.jorchestrate.nats.internal;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.jorchestrate.nats.BridgeError;
import org.jorchestrate.nats.BridgeErrorHandler;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * Where the bridge's errors go: the log (rate-limited per kind: the first 10, then the 16th, 32nd,
 * 64th..., each with its count; the rest at debug level) and the user's handler (every one).
 */
final class ErrorSink {

  static final Logger LOG = LoggerFactory.getLogger("org.jorchestrate.nats.NatsEventBridge");

  private final @Nullable BridgeErrorHandler handler;
  private final Map<BridgeError.Kind, AtomicLong> counts = new EnumMap<>(BridgeError.Kind.class);

  ErrorSink(@Nullable BridgeErrorHandler handler) {
    this.handler = handler;
    for (BridgeError.Kind kind : BridgeError.Kind.values()) {
      counts.put(kind, new AtomicLong());
    }
  }

  void report(BridgeError.Kind kind, String message, @Nullable Throwable cause) {
    AtomicLong counter = counts.get(kind);
    long count = counter == null ? 1 : counter.incrementAndGet();
    if (count <= 10 || Long.bitCount(count) == 1) {
      if (cause == null) {
        LOG.warn("{} ({}; {} so far)", message, kind, count);
      } else {
        LOG.warn("{} ({}; {} so far): {}", message, kind, count, cause.toString());
      }
    } else {
      LOG.debug("{} ({})", message, kind, cause);
    }
    BridgeErrorHandler h = handler;
    if (h != null) {
      try {
        h.onError(new BridgeError(kind, message, cause));
      } catch (RuntimeException | LinkageError e) {
        LOG.error("the BridgeErrorHandler {} threw while handling {}", h, kind, e);
      }
    }
  }
}
