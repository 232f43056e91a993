package org.jorchestrate.nats.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Fuzzes {@link EnvelopeCodec#read}, which reads whatever any publisher put on the stream.
 *
 * <ul>
 *   <li>{@code decode_neverThrowsAnythingElse}: for any bytes, read either returns an envelope that
 *       holds the invariants the receiver relies on, or throws {@link MalformedEnvelopeException}
 *       (the message is then poison: reported and terminated). Anything else escaping read (a
 *       RuntimeException, a StackOverflowError...) would stall or kill the receiver: a finding.
 *   <li>{@code structured_validEnvelopesRoundTrip}: builds JSON envelopes member by member from the
 *       fuzzer's data, most of them valid, some with a member missing, of a wrong type, repeated,
 *       too deep..., and checks read against an independent model of the format documented in
 *       {@code NatsEventBridge}: a valid one must come back exactly (members, parameter values and
 *       their Java types), an invalid one must be refused.
 * </ul>
 *
 * <p>Regression mode (the seeds in {@code EnvelopeDecodingFuzzTestInputs}) runs in every test run;
 * {@code stress/run-fuzz.sh} fuzzes.
 */
class EnvelopeDecodingFuzzTest {

  private static final int MAX_BYTES = 1 << 20;
  private static final int SMALL_MAX_BYTES = 512;
  /* Open containers Jackson may see: the envelope, "params", and MAX_DEPTH + 1 levels in a value. */
  private static final int MAX_CONTAINERS = JsonPayload.MAX_DEPTH + 3;

  private static final EnvelopeCodec CODEC = new EnvelopeCodec(MAX_BYTES);
  private static final EnvelopeCodec SMALL = new EnvelopeCodec(SMALL_MAX_BYTES);

  // ---------------------------------------------------------------------------------------------
  // 1. Arbitrary bytes

  @DictionaryEntries({
    "\"v\":1", "\"origin\":", "\"epoch\":", "\"seq\":", "\"event\":", "\"timestamp\":",
    "\"event_date\":", "\"event_time\":", "\"params\":{", "\"types\":{", "\"int\"", "\"short\"",
    "\"byte\"", "\"float\"", "\"biginteger\"", "\"bigdecimal\"", "\"2026-11-25T10:15:30.123456Z\"",
    "1e2147483648", "-0.0E-999999999", "9223372036854775808", "4294967297", "\\u0000", "\\ud800",
    "[[[[[[[[", "{\"a\":{\"a\":", "null", "true", "false", ",", ":", "{}", "[]"
  })
  @FuzzTest(maxDuration = "60s") // per run of stress/run-fuzz.sh; regression mode ignores it
  void decode_neverThrowsAnythingElse(byte[] data) {
    Envelope envelope;
    try {
      envelope = CODEC.read(data);
    } catch (MalformedEnvelopeException refused) {
      assertThat(refused.getMessage()).isNotBlank();
      if (data.length <= SMALL_MAX_BYTES) {
        assertThat(outcome(SMALL, data)).isEqualTo("refused");
      }
      return;
    }
    checkInvariants(envelope);
    // The size limit changes nothing else: a smaller limit reads the same or refuses for size.
    String small = outcome(SMALL, data);
    if (data.length <= SMALL_MAX_BYTES) {
      assertThat(small).isEqualTo("read");
    } else {
      assertThat(small).isEqualTo("refused");
    }
  }

  private static String outcome(EnvelopeCodec codec, byte[] data) {
    try {
      codec.read(data);
      return "read";
    } catch (MalformedEnvelopeException e) {
      return "refused";
    }
  }

  /* What Inbox and the callbacks rely on, whatever the bytes were. */
  static void checkInvariants(Envelope envelope) {
    check(envelope.origin() != null, "origin is null");
    check(envelope.event() != null, "event is null");
    check(envelope.timestamp() != null, "timestamp is null");
    check(envelope.eventDate() != null, "event_date is null");
    check(envelope.eventTime() != null, "event_time is null");
    check(envelope.params() != null, "params is null");
    check(envelope.seq() >= 1, "seq " + envelope.seq() + " is not positive");
    check(envelope.messageId().endsWith("-" + envelope.seq()), "message id");
    for (Map.Entry<String, @Nullable Object> entry : envelope.params().entrySet()) {
      check(entry.getKey() != null && !entry.getKey().isEmpty(), "empty parameter name");
      Object value = entry.getValue();
      if (value == null) {
        continue;
      }
      check(
          value instanceof Integer
              || value instanceof Short
              || value instanceof Byte
              || value instanceof Float
              || value instanceof BigDecimal
              || isNestedValue(value, 0),
          "parameter '" + entry.getKey() + "' is a " + value.getClass());
    }
  }

  /* Below the top level: JSON values only, numbers as Long, BigInteger or Double, unmodifiable. */
  private static boolean isNestedValue(@Nullable Object value, int depth) {
    if (value == null
        || value instanceof String
        || value instanceof Boolean
        || value instanceof Long
        || value instanceof BigInteger
        || value instanceof Double) {
      return true;
    }
    if (depth > JsonPayload.MAX_DEPTH) {
      return false;
    }
    if (value instanceof List<?> list) {
      try {
        list.add(null);
        return false; // modifiable
      } catch (UnsupportedOperationException expected) {
        // as documented
      }
      for (Object element : list) {
        if (!isNestedValue(element, depth + 1)) {
          return false;
        }
      }
      return true;
    }
    if (value instanceof Map<?, ?> map) {
      try {
        map.clear();
        return false; // modifiable
      } catch (UnsupportedOperationException expected) {
        // as documented
      }
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        if (!(entry.getKey() instanceof String) || !isNestedValue(entry.getValue(), depth + 1)) {
          return false;
        }
      }
      return true;
    }
    return false;
  }

  private static void check(boolean condition, String what) {
    if (!condition) {
      throw new AssertionError("read() returned a broken envelope: " + what);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // 2. Structured envelopes against a model

  /* A JSON value as the generator writes it. Numbers keep their exact text. */
  private sealed interface J permits JNull, JBool, JStr, JNum, JArr, JObj {}

  private record JNull() implements J {}

  private record JBool(boolean value) implements J {}

  private record JStr(String value) implements J {}

  private record JNum(String text) implements J {
    boolean fractional() {
      return text.indexOf('.') >= 0 || text.indexOf('e') >= 0 || text.indexOf('E') >= 0;
    }
  }

  private record JArr(List<J> elements) implements J {}

  private record JObj(List<Map.Entry<String, J>> members) implements J {}

  private static final String[] HINTS = {
    "int", "short", "byte", "float", "biginteger", "bigdecimal", "long", "double", "", "INT"
  };

  private static final String[] EXOTIC_NUMBERS = {
    "0", "-0", "-0.0", "1e400", "-1E400", "1e-400", "1e2147483648", "1E-2147483649",
    "2147483647", "2147483648", "-2147483649", "32767", "32768", "-129", "127", "128",
    "9223372036854775807", "9223372036854775808", "-9223372036854775809", "3.4028235E38",
    "3.4028236E38", "1.4E-45", "0.1", "1.0", "1E+3", "100000000000000000000000000000.5"
  };

  private static final String[] NAMES = {"a", "b", "task_name", "", "\u00e9", "types", "v"};

  private static final class Builder {
    final FuzzedDataProvider data;
    final List<String> invalid = new ArrayList<>();

    Builder(FuzzedDataProvider data) {
      this.data = data;
    }

    void invalid(String why) {
      invalid.add(why);
    }

    String name() {
      return data.consumeBoolean() ? NAMES[data.consumeInt(0, NAMES.length - 1)] : data.consumeString(6);
    }

    String number() {
      return switch (data.consumeInt(0, 6)) {
        case 0 -> Long.toString(data.consumeLong());
        case 1 -> Integer.toString(data.consumeInt(-300, 300));
        case 2 -> {
          byte[] bytes = data.consumeBytes(16);
          yield bytes.length == 0 ? "0" : new BigInteger(bytes).toString();
        }
        case 3 -> Double.toString(data.consumeRegularDouble());
        case 4 -> Float.toString(data.consumeRegularFloat());
        case 5 -> new BigDecimal(BigInteger.valueOf(data.consumeLong()), data.consumeInt(-40, 40))
            .toString();
        default -> EXOTIC_NUMBERS[data.consumeInt(0, EXOTIC_NUMBERS.length - 1)];
      };
    }

    J value(int depth) {
      int kind = data.consumeInt(0, depth > 3 ? 4 : 7);
      return switch (kind) {
        case 0 -> new JNull();
        case 1 -> new JBool(data.consumeBoolean());
        case 2 -> new JStr(data.consumeString(12));
        case 3, 4 -> new JNum(number());
        case 5 -> {
          List<J> elements = new ArrayList<>();
          int n = data.consumeInt(0, 3);
          for (int i = 0; i < n; i++) {
            elements.add(value(depth + 1));
          }
          yield new JArr(elements);
        }
        case 6 -> {
          List<Map.Entry<String, J>> members = new ArrayList<>();
          int n = data.consumeInt(0, 3);
          for (int i = 0; i < n; i++) {
            members.add(Map.entry(name(), value(depth + 1)));
          }
          yield new JObj(members);
        }
        default -> { // a tower, around the limits of nesting
          J inner = value(depth + 1);
          int levels = data.consumeInt(0, MAX_CONTAINERS + 1);
          for (int i = 0; i < levels; i++) {
            inner = data.consumeBoolean() ? new JArr(List.of(inner))
                : new JObj(List.of(Map.entry("k", inner)));
          }
          yield inner;
        }
      };
    }
  }

  @FuzzTest(maxDuration = "60s") // per run of stress/run-fuzz.sh; regression mode ignores it
  void structured_validEnvelopesRoundTrip(FuzzedDataProvider data) {
    Builder gen = new Builder(data);
    List<Map.Entry<String, J>> members = new ArrayList<>();

    long version = 1;
    String origin = "node-a";
    long epoch = 0;
    long seq = 1;
    String event = "MyEvents.TASK_STARTED";
    Instant timestamp = Instant.EPOCH;
    String eventDate = "1970-01-01";
    String eventTime = "00:00:00";
    J params = new JObj(List.of());
    J types = null;

    for (String member :
        List.of("v", "origin", "epoch", "seq", "event", "timestamp", "event_date", "event_time",
            "params", "types")) {
      // 0 (also what an exhausted provider gives) is the usual case: a valid member
      int mode = data.consumeInt(0, 15);
      boolean optional = member.equals("types");
      if (mode == 13 || (optional && mode >= 9)) { // omitted
        if (!optional) {
          gen.invalid("no " + member);
        }
        continue;
      }
      J value;
      if (mode == 14) { // anything at all, the model decides
        value = gen.value(0);
      } else {
        value =
            switch (member) {
              case "v" -> new JNum(data.consumeInt(0, 20) == 20 ? gen.number() : "1");
              case "epoch" -> new JNum(Long.toString(data.consumeLong()));
              case "seq" -> new JNum(Long.toString(data.consumeInt(0, 9) == 9
                  ? data.consumeLong() : data.consumeLong(1, Long.MAX_VALUE)));
              case "timestamp" -> new JStr(data.consumeInt(0, 9) == 9
                  ? data.consumeString(30)
                  : Instant.ofEpochSecond(
                      data.consumeLong(Instant.MIN.getEpochSecond(), Instant.MAX.getEpochSecond()),
                      data.consumeInt(0, 999_999_999)).toString());
              case "params" -> paramsObject(gen);
              case "types" -> typesObject(gen);
              default -> new JStr(data.consumeString(16));
            };
      }
      int copies = mode == 15 ? 2 : 1;
      for (int i = 0; i < copies; i++) {
        members.add(data.consumeInt(0, members.size()), Map.entry(member, value));
      }
      if (copies > 1) {
        gen.invalid("two " + member);
      }
      // what the member says, if it is of its type
      switch (member) {
        case "v" -> {
          Long v = asLong(value);
          if (v == null || v != 1) {
            gen.invalid("v " + value);
          }
          version = v == null ? -1 : v;
        }
        case "epoch" -> {
          Long e = asLong(value);
          if (e == null) {
            gen.invalid("epoch " + value);
          } else {
            epoch = e;
          }
        }
        case "seq" -> {
          Long s = asLong(value);
          if (s == null || s < 1) {
            gen.invalid("seq " + value);
          } else {
            seq = s;
          }
        }
        case "timestamp" -> {
          if (value instanceof JStr s) {
            try {
              timestamp = Instant.parse(s.value());
            } catch (DateTimeParseException e) {
              gen.invalid("timestamp " + s.value());
            }
          } else {
            gen.invalid("timestamp " + value);
          }
        }
        case "params" -> {
          if (value instanceof JObj) {
            params = value;
          } else {
            gen.invalid("params " + value);
          }
        }
        case "types" -> {
          if (value instanceof JObj o
              && o.members().stream().allMatch(m -> m.getValue() instanceof JStr)) {
            types = value;
          } else {
            gen.invalid("types " + value);
          }
        }
        default -> {
          if (value instanceof JStr s) {
            switch (member) {
              case "origin" -> origin = s.value();
              case "event" -> event = s.value();
              case "event_date" -> eventDate = s.value();
              default -> eventTime = s.value();
            }
          } else {
            gen.invalid(member + " " + value);
          }
        }
      }
    }
    int unknown = data.consumeInt(0, 2);
    for (int i = 0; i < unknown; i++) {
      members.add(
          data.consumeInt(0, members.size()),
          Map.entry("x-" + data.consumeString(4), gen.value(1)));
    }
    JObj envelope = new JObj(members);
    checkStructure(envelope, 1, gen);

    // the expected parameters
    Map<String, String> hints = new LinkedHashMap<>();
    if (types instanceof JObj o) {
      for (Map.Entry<String, J> hint : o.members()) {
        hints.put(hint.getKey(), ((JStr) hint.getValue()).value());
      }
    }
    Map<String, @Nullable Object> expected = new LinkedHashMap<>();
    for (Map.Entry<String, J> param : ((JObj) params).members()) {
      if (param.getKey().isEmpty()) {
        gen.invalid("a parameter without a name");
      }
      expected.put(param.getKey(), expectedTop(param.getValue(), hints.get(param.getKey()), gen));
    }

    String trailing =
        switch (data.consumeInt(0, 9)) {
          case 7 -> "{}";
          case 8 -> "1";
          case 9 -> " \n\t\r";
          default -> "";
        };
    if (!trailing.isBlank()) {
      gen.invalid("trailing " + trailing);
    }
    StringBuilder json = new StringBuilder();
    write(json, envelope, data.consumeBoolean(), data.consumeBoolean());
    json.append(trailing);
    byte[] bytes = json.toString().getBytes(UTF_8);

    Envelope read;
    try {
      read = CODEC.read(bytes);
    } catch (MalformedEnvelopeException refused) {
      if (gen.invalid.isEmpty()) {
        throw new AssertionError("refused a valid envelope (" + refused.getMessage() + "): "
            + json, refused);
      }
      return;
    }
    if (!gen.invalid.isEmpty()) {
      throw new AssertionError("accepted an invalid envelope " + gen.invalid + ": " + json);
    }
    checkInvariants(read);
    assertThat(version).isEqualTo(1);
    assertThat(read.origin()).isEqualTo(origin);
    assertThat(read.epoch()).isEqualTo(epoch);
    assertThat(read.seq()).isEqualTo(seq);
    assertThat(read.event()).isEqualTo(event);
    assertThat(read.timestamp()).isEqualTo(timestamp);
    assertThat(read.eventDate()).isEqualTo(eventDate);
    assertThat(read.eventTime()).isEqualTo(eventTime);
    assertThat(read.params()).as("%s", json).isEqualTo(expected);
    assertThat(new ArrayList<>(read.params().keySet())).isEqualTo(new ArrayList<>(expected.keySet()));
    for (Map.Entry<String, @Nullable Object> entry : expected.entrySet()) {
      Object actual = read.params().get(entry.getKey());
      if (entry.getValue() instanceof Number) {
        assertThat(actual).as("the type of %s in %s", entry.getKey(), json)
            .isInstanceOf(entry.getValue().getClass());
      }
    }
  }

  private static J paramsObject(Builder gen) {
    List<Map.Entry<String, J>> members = new ArrayList<>();
    int n = gen.data.consumeInt(0, 5);
    for (int i = 0; i < n; i++) {
      members.add(Map.entry(gen.name(), gen.value(0)));
    }
    return new JObj(members);
  }

  private static J typesObject(Builder gen) {
    List<Map.Entry<String, J>> members = new ArrayList<>();
    int n = gen.data.consumeInt(0, 4);
    for (int i = 0; i < n; i++) {
      members.add(Map.entry(gen.name(), new JStr(HINTS[gen.data.consumeInt(0, HINTS.length - 1)])));
    }
    return new JObj(members);
  }

  private static @Nullable Long asLong(J value) {
    if (value instanceof JNum n && !n.fractional()) {
      BigInteger b = new BigInteger(n.text());
      return b.bitLength() < 64 ? b.longValue() : null;
    }
    return null;
  }

  /* Duplicate names and nesting, wherever they are: Jackson checks both everywhere. */
  private static void checkStructure(J value, int containers, Builder gen) {
    if (value instanceof JArr a) {
      if (containers > MAX_CONTAINERS) {
        gen.invalid("nesting " + containers);
        return;
      }
      a.elements().forEach(e -> checkStructure(e, containers + 1, gen));
    } else if (value instanceof JObj o) {
      if (containers > MAX_CONTAINERS) {
        gen.invalid("nesting " + containers);
        return;
      }
      Set<String> names = new HashSet<>();
      for (Map.Entry<String, J> member : o.members()) {
        if (!names.add(member.getKey())) {
          gen.invalid("duplicate name " + member.getKey());
        }
        checkStructure(member.getValue(), containers + 1, gen);
      }
    }
  }

  /* The documented "Payloads" rules, for a top-level parameter and its "types" hint. */
  private static @Nullable Object expectedTop(J value, @Nullable String hint, Builder gen) {
    if (!(value instanceof JNum n)) {
      return expectedNested(value);
    }
    Number number;
    if (n.fractional()) {
      BigDecimal exact;
      try {
        exact = new BigDecimal(n.text());
      } catch (NumberFormatException e) {
        gen.invalid("top-level number " + n.text());
        return null;
      }
      number = "bigdecimal".equals(hint) ? exact : (Number) exact.doubleValue();
    } else {
      number = integral(n.text());
    }
    if (hint == null) {
      return number;
    }
    boolean integral = number instanceof Long || number instanceof BigInteger;
    BigInteger whole = integral ? new BigInteger(number.toString()) : null;
    return switch (hint) {
      case "int" -> whole != null && whole.bitLength() < 32 ? (Object) whole.intValue() : number;
      case "short" -> whole != null && whole.bitLength() < 16 ? (Object) whole.shortValue() : number;
      case "byte" -> whole != null && whole.bitLength() < 8 ? (Object) whole.byteValue() : number;
      case "float" -> number.floatValue();
      case "biginteger" -> whole != null ? whole : number;
      case "bigdecimal" -> number instanceof BigDecimal ? number : new BigDecimal(number.toString());
      default -> number;
    };
  }

  private static Number integral(String text) {
    BigInteger b = new BigInteger(text);
    return b.bitLength() < 64 ? (Number) b.longValue() : b;
  }

  private static @Nullable Object expectedNested(J value) {
    if (value instanceof JNull) {
      return null;
    } else if (value instanceof JBool b) {
      return b.value();
    } else if (value instanceof JStr s) {
      return s.value();
    } else if (value instanceof JNum n) {
      return n.fractional() ? (Object) Double.parseDouble(n.text()) : integral(n.text());
    } else if (value instanceof JArr a) {
      List<@Nullable Object> list = new ArrayList<>();
      a.elements().forEach(e -> list.add(expectedNested(e)));
      return Collections.unmodifiableList(list);
    } else {
      Map<String, @Nullable Object> map = new LinkedHashMap<>();
      ((JObj) value).members().forEach(m -> map.put(m.getKey(), expectedNested(m.getValue())));
      return Collections.unmodifiableMap(map);
    }
  }

  private static void write(StringBuilder out, J value, boolean spaces, boolean rawUnicode) {
    String gap = spaces ? " \n" : "";
    if (value instanceof JNull) {
      out.append("null");
    } else if (value instanceof JBool b) {
      out.append(b.value());
    } else if (value instanceof JStr s) {
      string(out, s.value(), rawUnicode);
    } else if (value instanceof JNum n) {
      out.append(n.text());
    } else if (value instanceof JArr a) {
      out.append('[').append(gap);
      for (int i = 0; i < a.elements().size(); i++) {
        out.append(i > 0 ? "," + gap : "");
        write(out, a.elements().get(i), spaces, rawUnicode);
      }
      out.append(gap).append(']');
    } else {
      List<Map.Entry<String, J>> members = ((JObj) value).members();
      out.append('{').append(gap);
      for (int i = 0; i < members.size(); i++) {
        out.append(i > 0 ? "," + gap : "");
        string(out, members.get(i).getKey(), rawUnicode);
        out.append(gap).append(':').append(gap);
        write(out, members.get(i).getValue(), spaces, rawUnicode);
      }
      out.append(gap).append('}');
    }
  }

  private static void string(StringBuilder out, String s, boolean rawUnicode) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c == '\n') {
        out.append("\\n");
      } else if (c < 0x20 || c >= 0x7f && !(rawUnicode && !Character.isSurrogate(c))) {
        out.append(String.format("\\u%04x", (int) c)); // lone surrogates too: UTF-8 cannot
      } else {
        out.append(c);
      }
    }
    out.append('"');
  }
}
