package org.jorchestrate.events.internal;

import java.util.IdentityHashMap;
import java.util.List;

/*
 * A listener object registered with registerListener: its @OnEvent methods grouped by event, behind
 * one mailbox, so the listener sees its events in order and never concurrently. When several of its
 * methods handle one event they run in a fixed order (see ListenerBinder), each isolated: one
 * throwing does not skip the next.
 */
final class BoundListener implements Target {

  private final String listenerClass;
  private final IdentityHashMap<Enum<?>, BoundMethod[]> methodsByType; // read-only once built
  private final List<Enum<?>> types;

  BoundListener(String listenerClass, IdentityHashMap<Enum<?>, BoundMethod[]> methodsByType) {
    this.listenerClass = listenerClass;
    this.methodsByType = methodsByType;
    this.types = List.copyOf(methodsByType.keySet());
  }

  @Override
  public boolean deliver(EventRecord event, FailureSink failures) {
    BoundMethod[] methods = methodsByType.get(event.type());
    if (methods == null) {
      return true; // cannot happen: the registry only routes the types listed in types()
    }
    boolean allReturned = true;
    for (BoundMethod method : methods) {
      try {
        method.invoke(event);
      } catch (Throwable failure) { // isolation: everything, Errors included, goes to the sink
        failures.report(failure, event);
        allReturned = false;
      }
    }
    return allReturned;
  }

  @Override
  public List<Enum<?>> types() {
    return types;
  }

  @Override
  public String describe() {
    return "listener " + listenerClass;
  }
}
