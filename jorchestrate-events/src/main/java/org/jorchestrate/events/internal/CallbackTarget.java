package org.jorchestrate.events.internal;

import java.util.List;
import org.jorchestrate.events.EventCallback;

/* A callback registered with registerEvent or registerAll. */
final class CallbackTarget implements Target {

  private final EventCallback callback;
  private final List<Enum<?>> types;

  CallbackTarget(EventCallback callback, List<Enum<?>> types) {
    this.callback = callback;
    this.types = types;
  }

  @Override
  public boolean deliver(EventRecord event, FailureSink failures) {
    try {
      callback.onEvent(event);
      return true;
    } catch (Throwable failure) { // isolation: everything, Errors included, goes to the sink
      failures.report(failure, event);
      return false;
    }
  }

  @Override
  public List<Enum<?>> types() {
    return types;
  }

  @Override
  public String describe() {
    return (types.isEmpty() ? "*" : EventRecord.typeName(types.get(0)))
        + " -> "
        + callback.getClass().getName();
  }
}
