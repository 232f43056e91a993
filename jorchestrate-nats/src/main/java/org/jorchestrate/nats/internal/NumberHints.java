package org.jorchestrate.nats.internal;

import java.math.BigDecimal;
import java.math.BigInteger;
import org.jspecify.annotations.Nullable;

/*
 * The "types" hints of the envelope: which Java number class a top-level parameter had. Without
 * a hint a receiver reads an integral number as a Long (a BigInteger beyond its range) and a
 * fractional one as a Double, which is also what values from other languages become.
 */
final class NumberHints {

  private NumberHints() {}

  static @Nullable String hintOf(@Nullable Object value) {
    if (value instanceof Integer) {
      return "int";
    } else if (value instanceof Short) {
      return "short";
    } else if (value instanceof Byte) {
      return "byte";
    } else if (value instanceof Float) {
      return "float";
    } else if (value instanceof BigInteger) {
      return "biginteger";
    } else if (value instanceof BigDecimal) {
      return "bigdecimal";
    }
    return null; // Long, Double and everything else need none
  }

  /** Applies a hint to a decoded number; a value the hint cannot hold exactly stays as read. */
  static Object apply(@Nullable String hint, Number value) {
    if (hint == null) {
      return value;
    }
    try {
      return switch (hint) {
        case "int" -> Math.toIntExact(exactLong(value));
        case "short" -> shortOf(exactLong(value));
        case "byte" -> byteOf(exactLong(value));
        case "float" -> value.floatValue();
        case "biginteger" -> value instanceof BigInteger b ? b : BigInteger.valueOf(exactLong(value));
        case "bigdecimal" -> value instanceof BigDecimal d ? d : new BigDecimal(value.toString());
        default -> value;
      };
    } catch (ArithmeticException | NumberFormatException outOfRange) {
      return value;
    }
  }

  private static long exactLong(Number value) {
    if (value instanceof Long || value instanceof Integer) {
      return value.longValue();
    }
    if (value instanceof BigInteger b) {
      return b.longValueExact();
    }
    throw new ArithmeticException("not integral: " + value);
  }

  private static short shortOf(long value) {
    if (value < Short.MIN_VALUE || value > Short.MAX_VALUE) {
      throw new ArithmeticException("short overflow");
    }
    return (short) value;
  }

  private static byte byteOf(long value) {
    if (value < Byte.MIN_VALUE || value > Byte.MAX_VALUE) {
      throw new ArithmeticException("byte overflow");
    }
    return (byte) value;
  }
}
