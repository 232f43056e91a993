package org.jorchestrate.events.internal;

import java.lang.invoke.MethodHandle;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/*
 * One @OnEvent method, bound once at registration: a method handle of shape (Object[])void, already
 * bound to the listener and spread over the arguments, plus the slots that fill those arguments.
 * Per delivery: one argument array, one scan per named slot, one invokeExact; no reflection.
 */
final class BoundMethod {

  private final MethodHandle invoker;
  private final ParamSlot[] slots;
  private final String description;

  BoundMethod(MethodHandle invoker, ParamSlot[] slots, Method method) {
    this.invoker = invoker;
    this.slots = slots;
    this.description =
        method.getDeclaringClass().getName()
            + "."
            + method.getName()
            + Arrays.stream(method.getParameterTypes())
                .map(Class::getSimpleName)
                .collect(Collectors.joining(", ", "(", ")"));
  }

  void invoke(EventRecord event) throws Throwable {
    @Nullable Object[] arguments = new Object[slots.length];
    for (int i = 0; i < slots.length; i++) {
      arguments[i] = slots[i].resolve(event, this);
    }
    invoker.invokeExact(arguments);
  }

  String describe() {
    return description;
  }
}
