package org.jorchestrate.events.internal;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.jspecify.annotations.Nullable;

/*
 * Who receives an event: a copy-on-write registry read once per emission without locks.
 *
 * Layout. Each enum class that has subscriptions gets a TypeTable: an array indexed by ordinal of
 * immutable Mailbox[] lists. Tables are found through an open-addressing index keyed by Class
 * identity, itself immutable and replaced when a new enum class appears. Wildcard subscriptions
 * live in one separate list. An emission reads its constant's list and the wildcard list: two
 * volatile reads and no hashing of names, so two enums with a constant of the same name never
 * collide (the Python original keyed by name and did).
 *
 * Consistency. Writers serialize on this object and publish a new list with a volatile store; an
 * emission works on the lists it read when it started. So a subscription removed before an
 * emission starts never sees it, and one present throughout always does.
 *
 * Bounds. Each list holds at most MAX_PER_LIST mailboxes, so one emission reaches at most
 * 2 * MAX_PER_LIST <= EventRecord.MAX_SUBSCRIBERS, which its packed counters need.
 */
@SuppressWarnings("EnumOrdinal") // indexing by ordinal is the point: no hashing on the emit path
final class SubscriberRegistry {

  static final int MAX_PER_LIST = EventRecord.MAX_SUBSCRIBERS / 2;
  private static final Mailbox[] NONE = new Mailbox[0];

  private volatile TypeIndex index = TypeIndex.EMPTY;
  private volatile Mailbox[] wildcards = NONE;

  Mailbox[] subscribers(Enum<?> type) {
    TypeTable table = index.find(type.getDeclaringClass());
    return table == null ? NONE : table.get(type.ordinal());
  }

  Mailbox[] wildcards() {
    return wildcards;
  }

  synchronized void add(Enum<?> type, Mailbox mailbox) {
    Class<?> enumClass = type.getDeclaringClass();
    TypeTable table = index.find(enumClass);
    if (table == null) {
      table = new TypeTable(enumClass, enumClass.getEnumConstants().length);
      index = index.with(table);
    }
    table.set(type.ordinal(), append(table.get(type.ordinal()), mailbox, type));
  }

  synchronized void remove(Enum<?> type, Mailbox mailbox) {
    TypeTable table = index.find(type.getDeclaringClass());
    if (table != null) {
      table.set(type.ordinal(), without(table.get(type.ordinal()), mailbox));
    }
  }

  synchronized void addWildcard(Mailbox mailbox) {
    wildcards = append(wildcards, mailbox, null);
  }

  synchronized void removeWildcard(Mailbox mailbox) {
    wildcards = without(wildcards, mailbox);
  }

  private static Mailbox[] append(Mailbox[] list, Mailbox mailbox, @Nullable Enum<?> type) {
    if (list.length >= MAX_PER_LIST) {
      throw new IllegalStateException(
          (type == null ? "registerAll" : EventRecord.typeName(type))
              + " already has "
              + list.length
              + " subscriptions, the most one event can have; unsubscribe unused ones");
    }
    Mailbox[] longer = Arrays.copyOf(list, list.length + 1);
    longer[list.length] = mailbox;
    return longer;
  }

  private static Mailbox[] without(Mailbox[] list, Mailbox mailbox) {
    for (int i = 0; i < list.length; i++) {
      if (list[i] == mailbox) {
        if (list.length == 1) {
          return NONE;
        }
        Mailbox[] shorter = new Mailbox[list.length - 1];
        System.arraycopy(list, 0, shorter, 0, i);
        System.arraycopy(list, i + 1, shorter, i, list.length - i - 1);
        return shorter;
      }
    }
    return list;
  }

  /* The subscriptions of one enum class, by ordinal. Elements are read and written volatile. */
  private static final class TypeTable {
    final Class<?> enumClass;
    private final AtomicReferenceArray<Mailbox[]> byOrdinal;

    TypeTable(Class<?> enumClass, int constants) {
      this.enumClass = enumClass;
      this.byOrdinal = new AtomicReferenceArray<>(constants);
      for (int i = 0; i < constants; i++) {
        byOrdinal.setPlain(i, NONE); // published by the volatile write of the index
      }
    }

    Mailbox[] get(int ordinal) {
      return byOrdinal.get(ordinal);
    }

    void set(int ordinal, Mailbox[] list) {
      byOrdinal.set(ordinal, list);
    }
  }

  /* An immutable open-addressing map from enum class (by identity) to its table. */
  private static final class TypeIndex {
    static final TypeIndex EMPTY = new TypeIndex(new TypeTable[2], 0);

    private final @Nullable TypeTable[] slots; // length is a power of two, at most half full
    private final int size;

    private TypeIndex(@Nullable TypeTable[] slots, int size) {
      this.slots = slots;
      this.size = size;
    }

    @Nullable TypeTable find(Class<?> enumClass) {
      int mask = slots.length - 1;
      for (int i = hash(enumClass) & mask; ; i = (i + 1) & mask) {
        TypeTable table = slots[i];
        if (table == null || table.enumClass == enumClass) {
          return table;
        }
      }
    }

    TypeIndex with(TypeTable table) {
      int capacity = slots.length;
      while ((size + 1) * 2 > capacity) {
        capacity *= 2;
      }
      @Nullable TypeTable[] copy = new TypeTable[capacity];
      for (TypeTable existing : slots) {
        if (existing != null) {
          insert(copy, existing);
        }
      }
      insert(copy, table);
      return new TypeIndex(copy, size + 1);
    }

    private static void insert(@Nullable TypeTable[] slots, TypeTable table) {
      int mask = slots.length - 1;
      int i = hash(table.enumClass) & mask;
      while (slots[i] != null) {
        i = (i + 1) & mask;
      }
      slots[i] = table;
    }

    private static int hash(Class<?> enumClass) {
      int h = System.identityHashCode(enumClass);
      return h ^ (h >>> 16);
    }
  }
}
