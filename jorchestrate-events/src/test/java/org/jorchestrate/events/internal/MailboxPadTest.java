package org.jorchestrate.events.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The padding that keeps the emitters' and the drain's hot fields of a mailbox on separate cache
 * lines holds nothing else, and the hierarchy keeps the groups in order (HotSpot lays out a
 * superclass's fields first).
 */
@Timeout(30)
class MailboxPadTest {

  private static void assertOnlyPadding(String padClass) throws ClassNotFoundException {
    Class<?> pad = Class.forName(MailboxPadTest.class.getPackageName() + "." + padClass);
    Field[] fields = pad.getDeclaredFields();

    assertThat(fields).as("fields of %s", padClass).hasSize(16);
    assertThat(fields)
        .allSatisfy(
            field -> {
              assertThat(field.getType()).isEqualTo(long.class);
              assertThat(Modifier.isStatic(field.getModifiers())).isFalse();
              assertThat(field.getName()).matches("[a-c]\\d\\d");
            });
  }

  @Test
  void padClasses_holdOnlySixteenLongs() throws ClassNotFoundException {
    assertOnlyPadding("MailboxPad0");
    assertOnlyPadding("MailboxPad1");
    assertOnlyPadding("MailboxPad2");
  }

  @Test
  void hierarchy_separatesEmitterFieldsFromDrainFields() {
    assertThat(superclasses(Mailbox.class))
        .containsExactly(
            "MailboxFields",
            "MailboxPad2",
            "MailboxDrainFields",
            "MailboxPad1",
            "MailboxEmitterFields",
            "MailboxPad0",
            "Object");
  }

  private static String[] superclasses(Class<?> type) {
    return Arrays.stream(lineage(type)).map(Class::getSimpleName).toArray(String[]::new);
  }

  private static Class<?>[] lineage(Class<?> type) {
    java.util.List<Class<?>> chain = new java.util.ArrayList<>();
    for (Class<?> c = type.getSuperclass(); c != null; c = c.getSuperclass()) {
      chain.add(c);
    }
    return chain.toArray(new Class<?>[0]);
  }
}
