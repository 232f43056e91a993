package org.jorchestrate.events.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.jorchestrate.events.Event;
import org.jorchestrate.events.OnEvent;
import org.jorchestrate.events.Param;
import org.jspecify.annotations.Nullable;

/**
 * Turns a listener object into a delivery target, once, at registration: finds its {@link OnEvent}
 * methods, resolves their enum constants, decides how each parameter is filled, and obtains a
 * method handle for each. Everything that could go wrong with a listener's shape is reported here,
 * as an {@link IllegalArgumentException} that names the method and the fix.
 *
 * <p>Methods are collected from the listener's class and its superclasses (not interfaces). A
 * method overridden in a subclass is bound once, and runs the override. When several methods handle
 * one event they run in a fixed order: subclass before superclass, then by name and parameter
 * types.
 */
final class ListenerBinder {

  private static final Module OWN_MODULE = ListenerBinder.class.getModule();

  private ListenerBinder() {}

  /**
   * Binds a listener.
   *
   * @param listener the object with {@link OnEvent} methods
   * @param lookup a lookup with access to them, or null to use the manager's own access
   * @return the target for the listener's subscription
   * @throws IllegalArgumentException if the listener cannot be bound
   */
  static BoundListener bind(Object listener, MethodHandles.@Nullable Lookup lookup) {
    Class<?> listenerClass = listener.getClass();
    List<Method> methods = annotatedMethods(listenerClass);
    if (methods.isEmpty()) {
      throw new IllegalArgumentException(
          "Cannot register listener "
              + listenerClass.getName()
              + ": it has no method annotated @OnEvent; annotate its handlers with"
              + " @OnEvent(type = MyEvents.class, name = \"CONSTANT\"), or register a callback"
              + " with registerEvent");
    }
    Map<Enum<?>, List<BoundMethod>> byType = new LinkedHashMap<>();
    for (Method method : methods) {
      OnEvent annotation = method.getAnnotation(OnEvent.class);
      Enum<?> type = constantOf(annotation, method);
      ParamSlot[] slots = slotsOf(method);
      MethodHandle invoker = invoker(listener, method, slots.length, lookup);
      byType.computeIfAbsent(type, t -> new ArrayList<>()).add(new BoundMethod(invoker, slots, method));
    }
    IdentityHashMap<Enum<?>, BoundMethod[]> table = new IdentityHashMap<>();
    byType.forEach((type, bound) -> table.put(type, bound.toArray(new BoundMethod[0])));
    return new BoundListener(listenerClass.getName(), table);
  }

  private static List<Method> annotatedMethods(Class<?> listenerClass) {
    List<Method> found = new ArrayList<>();
    Set<String> overridable = new HashSet<>();
    for (Class<?> c = listenerClass; c != null && c != Object.class; c = c.getSuperclass()) {
      List<Method> declared = new ArrayList<>();
      for (Method method : c.getDeclaredMethods()) {
        if (method.isBridge() || method.isSynthetic() || !method.isAnnotationPresent(OnEvent.class)) {
          continue;
        }
        if (!Modifier.isPrivate(method.getModifiers())
            && !overridable.add(method.getName() + Arrays.toString(method.getParameterTypes()))) {
          continue; // overridden in a subclass already bound: virtual dispatch runs the override
        }
        declared.add(method);
      }
      declared.sort(
          Comparator.comparing(Method::getName)
              .thenComparing(m -> Arrays.toString(m.getParameterTypes())));
      found.addAll(declared);
    }
    return found;
  }

  private static Enum<?> constantOf(OnEvent annotation, Method method) {
    Class<? extends Enum<?>> type = annotation.type();
    Enum<?>[] constants = type.getEnumConstants();
    if (constants == null) {
      throw problem(
          method, "@OnEvent type " + type.getName() + " is not an enum; name the enum of the event");
    }
    for (Enum<?> constant : constants) {
      if (constant.name().equals(annotation.name())) {
        return constant;
      }
    }
    throw problem(
        method,
        type.getSimpleName()
            + " has no constant '"
            + annotation.name()
            + "'; its constants are "
            + Arrays.stream(constants).map(Enum::name).collect(Collectors.joining(", ", "[", "]")));
  }

  private static ParamSlot[] slotsOf(Method method) {
    Parameter[] parameters = method.getParameters();
    ParamSlot[] slots = new ParamSlot[parameters.length];
    for (int i = 0; i < parameters.length; i++) {
      Parameter parameter = parameters[i];
      Param param = parameter.getAnnotation(Param.class);
      if (param != null) {
        if (param.value().isEmpty()) {
          throw problem(method, "parameter " + i + " has an empty @Param; give the event parameter's name");
        }
        slots[i] = ParamSlot.named(param.value(), parameter.getType());
      } else if (parameter.getType() == Event.class) {
        slots[i] = ParamSlot.event();
      } else if (parameter.getType() == Map.class) {
        checkParamsMap(method, i, parameter.getParameterizedType());
        slots[i] = ParamSlot.params();
      } else if (parameter.isNamePresent()) {
        slots[i] = ParamSlot.named(parameter.getName(), parameter.getType());
      } else {
        throw problem(
            method,
            "parameter "
                + i
                + " ("
                + parameter.getType().getSimpleName()
                + ") has no name to bind: annotate it with @Param(\"event_parameter_name\"), or"
                + " compile with javac -parameters");
      }
    }
    return slots;
  }

  private static void checkParamsMap(Method method, int index, Type type) {
    if (!(type instanceof ParameterizedType parameterized)) {
      return; // raw Map: accepted
    }
    Type[] arguments = parameterized.getActualTypeArguments();
    boolean keyOk = arguments[0] == String.class || isUnboundedWildcard(arguments[0]);
    boolean valueOk = arguments[1] == Object.class || isUnboundedWildcard(arguments[1]);
    if (!keyOk || !valueOk) {
      throw problem(
          method,
          "parameter "
              + index
              + " is a "
              + type.getTypeName()
              + ", but the event's parameters are a Map<String, Object>; declare it so, or"
              + " annotate it with @Param to receive one parameter whose value is a map");
    }
  }

  private static boolean isUnboundedWildcard(Type type) {
    if (!(type instanceof WildcardType wildcard)) {
      return false;
    }
    return wildcard.getLowerBounds().length == 0
        && Arrays.equals(wildcard.getUpperBounds(), new Type[] {Object.class});
  }

  private static MethodHandle invoker(
      Object listener, Method method, int arity, MethodHandles.@Nullable Lookup lookup) {
    MethodHandle handle = unreflect(method, lookup);
    if (!Modifier.isStatic(method.getModifiers())) {
      handle = handle.bindTo(listener);
    }
    Class<?>[] objects = new Class<?>[arity];
    Arrays.fill(objects, Object.class);
    return handle
        .asType(MethodType.methodType(void.class, objects))
        .asSpreader(Object[].class, arity);
  }

  private static MethodHandle unreflect(Method method, MethodHandles.@Nullable Lookup lookup) {
    Class<?> declaring = method.getDeclaringClass();
    if (lookup != null) {
      try {
        return lookup.unreflect(method);
      } catch (IllegalAccessException e) {
        throw problem(
            method,
            "the given lookup cannot access it ("
                + e.getMessage()
                + "); pass MethodHandles.lookup() called from inside "
                + declaring.getName());
      }
    }
    Module module = declaring.getModule();
    if (OWN_MODULE.isNamed() && !OWN_MODULE.canRead(module)) {
      OWN_MODULE.addReads(module); // privateLookupIn needs this module to read the listener's
    }
    try {
      return MethodHandles.privateLookupIn(declaring, MethodHandles.lookup()).unreflect(method);
    } catch (IllegalAccessException e) {
      throw problem(
          method,
          "module "
              + module.getName()
              + " does not open package "
              + declaring.getPackageName()
              + " to org.jorchestrate.events; add 'opens "
              + declaring.getPackageName()
              + " to org.jorchestrate.events;' to its module-info, or register with"
              + " registerListener(listener, MethodHandles.lookup())");
    }
  }

  private static IllegalArgumentException problem(Method method, String detail) {
    return new IllegalArgumentException(
        "Cannot register @OnEvent method "
            + method.getDeclaringClass().getName()
            + "."
            + method.getName()
            + Arrays.stream(method.getParameterTypes())
                .map(Class::getSimpleName)
                .collect(Collectors.joining(", ", "(", ")"))
            + ": "
            + detail);
  }
}
