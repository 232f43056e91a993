package org.jorchestrate.nats.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jorchestrate.events.Event;
import org.jorchestrate.events.EventManager;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The envelope codec alone, without a broker: what {@code JsonPayload.encode} and {@code
 * EnvelopeCodec.write} produce, {@code EnvelopeCodec.read} gives back (the documented "Payloads"
 * rules of {@code NatsEventBridge}), and every malformed message is refused with a {@link
 * MalformedEnvelopeException} that says why.
 */
class EnvelopeCodecTest {

  enum Sample {
    TASK_STARTED
  }

  private static final int MAX_BYTES = 1 << 20;
  private static final String NAME = "Sample.TASK_STARTED";

  private final EnvelopeCodec codec = new EnvelopeCodec(MAX_BYTES);

  /* A real Event, as a synchronous manager hands it to a callback. */
  private static Event emitted(Map<String, ?> params) {
    List<Event> received = new ArrayList<>();
    try (EventManager events = EventManager.builder().synchronous().shutdownHook(false).build()) {
      events.registerEvent(Sample.TASK_STARTED, received::add);
      events.emit(Sample.TASK_STARTED, params);
    }
    assertThat(received).hasSize(1);
    return received.get(0);
  }

  private JsonPayload.Encoded encode(Event event) {
    return JsonPayload.encode(codec.factory(), event, BridgeConfig.ORIGIN_NODE);
  }

  private OutgoingEvent outgoing(Event event) {
    return new OutgoingEvent(
        "jorch.Sample.TASK_STARTED",
        NAME,
        event.timestamp(),
        event.eventDate(),
        event.eventTime(),
        encode(event));
  }

  private Envelope roundTrip(Event event) throws MalformedEnvelopeException {
    return codec.read(codec.write(outgoing(event), "node-a", 812_736_451L, 42));
  }

  private Map<String, @Nullable Object> roundTripParams(Map<String, ?> params)
      throws MalformedEnvelopeException {
    return roundTrip(emitted(params)).params();
  }

  private static Map<String, @Nullable Object> params(@Nullable Object... keyValues) {
    Map<String, @Nullable Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      map.put((String) keyValues[i], keyValues[i + 1]);
    }
    return map;
  }

  private static List<@Nullable Object> listOf(@Nullable Object... values) {
    return new ArrayList<>(Arrays.asList(values));
  }

  @SuppressWarnings("unchecked")
  private static List<@Nullable Object> asList(@Nullable Object value) {
    assertThat(value).isInstanceOf(List.class);
    return (List<@Nullable Object>) value;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, @Nullable Object> asMap(@Nullable Object value) {
    assertThat(value).isInstanceOf(Map.class);
    return (Map<String, @Nullable Object>) value;
  }

  @Nested
  class RoundTrip {

    @Test
    void envelopeMembers_arePreserved() throws Exception {
      Event event = emitted(params("task_name", "ingest"));
      Envelope envelope = roundTrip(event);

      assertThat(envelope.origin()).isEqualTo("node-a");
      assertThat(envelope.epoch()).isEqualTo(812_736_451L);
      assertThat(envelope.seq()).isEqualTo(42);
      assertThat(envelope.event()).isEqualTo(NAME);
      assertThat(envelope.timestamp()).isEqualTo(event.timestamp());
      assertThat(envelope.eventDate()).isEqualTo(event.eventDate());
      assertThat(envelope.eventTime()).isEqualTo(event.eventTime());
      assertThat(envelope.messageId()).isEqualTo("node-a-812736451-42");
      // event_date and event_time travel as envelope members, not as parameters
      assertThat(envelope.params()).containsExactly(Map.entry("task_name", "ingest"));
    }

    @Test
    void extremeEpochAndSeq_arePreserved() throws Exception {
      Event event = emitted(Map.of());
      Envelope envelope =
          codec.read(codec.write(outgoing(event), "n", Long.MIN_VALUE, Long.MAX_VALUE));
      assertThat(envelope.epoch()).isEqualTo(Long.MIN_VALUE);
      assertThat(envelope.seq()).isEqualTo(Long.MAX_VALUE);
      assertThat(envelope.params()).isEmpty();
    }

    @Test
    void timestamps_withAndWithoutFractions_arePreserved() throws Exception {
      for (Instant stamp :
          List.of(
              Instant.parse("2026-11-25T10:15:30Z"),
              Instant.parse("2026-11-25T10:15:30.123456Z"),
              Instant.parse("2026-11-25T10:15:30.123456789Z"),
              Instant.EPOCH)) {
        OutgoingEvent base = outgoing(emitted(Map.of()));
        OutgoingEvent event =
            new OutgoingEvent(base.subject(), NAME, stamp, "1970-01-01", "00:00:00", base.payload());
        Envelope envelope = codec.read(codec.write(event, "n", 1, 1));
        assertThat(envelope.timestamp()).isEqualTo(stamp);
        assertThat(envelope.eventDate()).isEqualTo("1970-01-01");
        assertThat(envelope.eventTime()).isEqualTo("00:00:00");
      }
    }

    @Test
    void strings_withUnicodeQuotesAndControlCharacters_areExact() throws Exception {
      // lone surrogates too: Jackson escapes them in the JSON, and they read back as they were
      String tricky =
          "h\u00e9llo \"quoted\" \\ back/slash \u65e5\u672c \ud83d\ude00 \u0000\n\t\u2028 \ud800 \udc00";
      Map<String, @Nullable Object> back =
          roundTripParams(params("s", tricky, "\u00fcn\"i\u00e7ode key", "", "empty", ""));
      assertThat(back)
          .containsExactly(
              Map.entry("s", tricky),
              Map.entry("\u00fcn\"i\u00e7ode key", ""),
              Map.entry("empty", ""));
    }

    @Test
    void topLevelNumbers_keepTheirJavaTypes() throws Exception {
      BigInteger huge = new BigInteger("123456789012345678901234567890");
      BigDecimal exact = new BigDecimal("12345678901234567890.123456789012345678901");
      Map<String, @Nullable Object> back =
          roundTripParams(
              params(
                  "i", 7,
                  "iMin", Integer.MIN_VALUE,
                  "l", 7L,
                  "lMax", Long.MAX_VALUE,
                  "s", (short) -12,
                  "b", (byte) 127,
                  "f", 1.1f,
                  "fWhole", 3.0f,
                  "fTiny", Float.MIN_VALUE,
                  "d", 0.1,
                  "dWhole", 2.0,
                  "dMax", Double.MAX_VALUE,
                  "bi", huge,
                  "biSmall", BigInteger.valueOf(5),
                  "bd", exact,
                  "bdScaled", new BigDecimal("1.50"),
                  "bdWhole", new BigDecimal("1000"),
                  "bdExponent", new BigDecimal("1E+3")));

      assertThat(back.get("i")).isInstanceOf(Integer.class).isEqualTo(7);
      assertThat(back.get("iMin")).isInstanceOf(Integer.class).isEqualTo(Integer.MIN_VALUE);
      assertThat(back.get("l")).isInstanceOf(Long.class).isEqualTo(7L);
      assertThat(back.get("lMax")).isInstanceOf(Long.class).isEqualTo(Long.MAX_VALUE);
      assertThat(back.get("s")).isInstanceOf(Short.class).isEqualTo((short) -12);
      assertThat(back.get("b")).isInstanceOf(Byte.class).isEqualTo((byte) 127);
      assertThat(back.get("f")).isInstanceOf(Float.class).isEqualTo(1.1f);
      assertThat(back.get("fWhole")).isInstanceOf(Float.class).isEqualTo(3.0f);
      assertThat(back.get("fTiny")).isInstanceOf(Float.class).isEqualTo(Float.MIN_VALUE);
      assertThat(back.get("d")).isInstanceOf(Double.class).isEqualTo(0.1);
      assertThat(back.get("dWhole")).isInstanceOf(Double.class).isEqualTo(2.0);
      assertThat(back.get("dMax")).isInstanceOf(Double.class).isEqualTo(Double.MAX_VALUE);
      assertThat(back.get("bi")).isInstanceOf(BigInteger.class).isEqualTo(huge);
      assertThat(back.get("biSmall")).isInstanceOf(BigInteger.class).isEqualTo(BigInteger.valueOf(5));
      assertThat(back.get("bd")).isInstanceOf(BigDecimal.class).isEqualTo(exact);
      assertThat(back.get("bdScaled")).isEqualTo(new BigDecimal("1.50")); // scale kept
      assertThat(back.get("bdWhole")).isEqualTo(new BigDecimal("1000"));
      assertThat(back.get("bdExponent")).isEqualTo(new BigDecimal("1E+3"));
      assertThat(back.keySet()).containsExactlyElementsOf(
          List.of("i", "iMin", "l", "lMax", "s", "b", "f", "fWhole", "fTiny", "d", "dWhole", "dMax",
              "bi", "biSmall", "bd", "bdScaled", "bdWhole", "bdExponent"));
    }

    @Test
    void nestedNumbers_becomeLongOrDouble() throws Exception {
      BigInteger huge = BigInteger.TWO.pow(70);
      Map<String, @Nullable Object> back =
          roundTripParams(
              params(
                  "nested",
                  Map.of(
                      "list",
                      List.of(7, (short) 1, (byte) 2, 3L, 1.5f, 2.5, new BigDecimal("0.25"),
                          BigInteger.TEN, huge))));

      assertThat(asList(asMap(back.get("nested")).get("list")))
          .containsExactly(7L, 1L, 2L, 3L, 1.5, 2.5, 0.25, 10L, huge);
    }

    @Test
    void listsAndMaps_comeBackUnmodifiable_andInOrder() throws Exception {
      Map<String, @Nullable Object> inner = new LinkedHashMap<>();
      inner.put("z", 1);
      inner.put("a", listOf("x", null, true));
      inner.put("m", Map.of());
      Map<String, @Nullable Object> back =
          roundTripParams(params("list", listOf(1, "two", listOf(), inner), "map", inner));

      List<@Nullable Object> list = asList(back.get("list"));
      assertThat(list).containsExactly(1L, "two", List.of(), Map.of("z", 1L,
          "a", listOf("x", null, true), "m", Map.of()));
      Map<String, @Nullable Object> map = asMap(back.get("map"));
      assertThat(map.keySet()).containsExactly("z", "a", "m");

      assertThatThrownBy(() -> list.clear()).isInstanceOf(UnsupportedOperationException.class);
      assertThatThrownBy(() -> ((List<?>) list.get(2)).clear())
          .isInstanceOf(UnsupportedOperationException.class);
      assertThatThrownBy(() -> map.clear()).isInstanceOf(UnsupportedOperationException.class);
      assertThatThrownBy(() -> ((List<?>) map.get("a")).clear())
          .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void javaTimeValues_travelAsIsoStrings() throws Exception {
      Instant instant = Instant.parse("2026-11-25T10:15:30.123456Z");
      LocalDate date = LocalDate.of(2026, 11, 25);
      LocalDateTime local = LocalDateTime.of(2026, 11, 25, 11, 15, 30);
      ZonedDateTime zoned = local.atZone(ZoneId.of("Europe/Rome"));
      Duration duration = Duration.ofMinutes(90);
      Map<String, @Nullable Object> back =
          roundTripParams(
              params("instant", instant, "date", date, "local", local, "zoned", zoned,
                  "duration", duration, "nested", List.of(date)));

      assertThat(back)
          .containsEntry("instant", "2026-11-25T10:15:30.123456Z")
          .containsEntry("date", "2026-11-25")
          .containsEntry("local", "2026-11-25T11:15:30")
          .containsEntry("zoned", "2026-11-25T11:15:30+01:00[Europe/Rome]")
          .containsEntry("duration", "PT1H30M")
          .containsEntry("nested", List.of("2026-11-25"));
    }

    @Test
    void nullsAndBooleans_areKept() throws Exception {
      Map<String, @Nullable Object> back =
          roundTripParams(params("none", null, "yes", true, "no", false, "inList", listOf((Object) null)));
      assertThat(back).containsKey("none");
      assertThat(back.get("none")).isNull();
      assertThat(back).containsEntry("yes", true).containsEntry("no", false);
      assertThat(asList(back.get("inList"))).containsExactly((Object) null);
    }

    @Test
    void deepestTreeTheEncoderAccepts_isReadBack() throws Exception {
      // The encoder accepts containers at depths 0..MAX_DEPTH (the innermost empty): whatever
      // emit accepted must not become poison at the receiver.
      Object deepest = List.of();
      for (int i = 0; i < JsonPayload.MAX_DEPTH; i++) {
        deepest = List.of(deepest);
      }
      Object withScalar = "leaf";
      for (int i = 0; i < JsonPayload.MAX_DEPTH; i++) {
        withScalar = Map.of("k", withScalar);
      }
      Map<String, @Nullable Object> back =
          roundTripParams(params("deep", deepest, "scalar", withScalar));
      assertThat(back.get("deep")).isEqualTo(deepest);
      assertThat(back.get("scalar")).isEqualTo(withScalar);
    }

    @Test
    void typesMember_isOnlyWrittenWhenNeeded() {
      assertThat(encode(emitted(params("l", 1L, "d", 1.5, "s", "x"))).types()).isNull();
      assertThat(new String(encode(emitted(params("i", 1, "l", 2L))).types(), UTF_8))
          .isEqualTo("{\"i\":\"int\"}");
    }
  }

  @Nested
  class Reading {

    /* A valid envelope with the members in this order; a null value omits the member. */
    private static String envelope(@Nullable String... overrides) {
      Map<String, @Nullable String> members = new LinkedHashMap<>();
      members.put("v", "1");
      members.put("origin", "\"node-a\"");
      members.put("epoch", "812736451");
      members.put("seq", "42");
      members.put("event", "\"MyEvents.TASK_STARTED\"");
      members.put("timestamp", "\"2026-11-25T10:15:30.123456Z\"");
      members.put("event_date", "\"2026-11-25\"");
      members.put("event_time", "\"11:15:30.123456\"");
      members.put("params", "{\"task_name\":\"ingest\",\"attempt\":1}");
      members.put("types", "{\"attempt\":\"int\"}");
      for (int i = 0; i < overrides.length; i += 2) {
        members.put(overrides[i], overrides[i + 1]);
      }
      StringBuilder json = new StringBuilder("{");
      members.forEach(
          (name, value) -> {
            if (value != null) {
              json.append(json.length() > 1 ? "," : "").append('"').append(name).append("\":")
                  .append(value);
            }
          });
      return json.append('}').toString();
    }

    private Envelope read(String json) throws MalformedEnvelopeException {
      return codec.read(json.getBytes(UTF_8));
    }

    private String reason(String json) {
      return reason(json.getBytes(UTF_8));
    }

    private String reason(byte[] bytes) {
      MalformedEnvelopeException e =
          catchThrowableOfType(MalformedEnvelopeException.class, () -> codec.read(bytes));
      assertThat(e).as("read(%s) must fail", new String(bytes, UTF_8)).isNotNull();
      assertThat(e.getMessage()).isNotBlank();
      return e.getMessage();
    }

    @Test
    void theDocumentedExample_isRead() throws Exception {
      Envelope envelope = read(envelope());
      assertThat(envelope.origin()).isEqualTo("node-a");
      assertThat(envelope.epoch()).isEqualTo(812736451L);
      assertThat(envelope.seq()).isEqualTo(42L);
      assertThat(envelope.event()).isEqualTo("MyEvents.TASK_STARTED");
      assertThat(envelope.timestamp()).isEqualTo(Instant.parse("2026-11-25T10:15:30.123456Z"));
      assertThat(envelope.eventDate()).isEqualTo("2026-11-25");
      assertThat(envelope.eventTime()).isEqualTo("11:15:30.123456");
      assertThat(envelope.params())
          .containsExactly(Map.entry("task_name", "ingest"), Map.entry("attempt", 1));
      assertThat(envelope.params().get("attempt")).isInstanceOf(Integer.class);
    }

    @Test
    void membersInAnyOrder_withWhitespace_andWithoutTypes() throws Exception {
      String json =
          " {\n \"params\" : {\"a\":1.5} , \"event_time\":\"t\", \"event_date\":\"d\","
              + "\"timestamp\":\"1970-01-01T00:00:00Z\", \"event\":\"E.X\", \"seq\":1,"
              + " \"epoch\":-3, \"origin\":\"o\", \"v\":1 }\r\n";
      Envelope envelope = read(json);
      assertThat(envelope.epoch()).isEqualTo(-3);
      assertThat(envelope.seq()).isEqualTo(1);
      assertThat(envelope.params()).containsExactly(Map.entry("a", 1.5));
    }

    @Test
    void unknownMembers_areIgnored() throws Exception {
      Envelope envelope =
          read(envelope("future", "{\"deep\":[1,{\"x\":null}],\"s\":\"v\"}", "also", "[1,2]",
              "flag", "true", "n", "null"));
      assertThat(envelope.params()).containsOnlyKeys("task_name", "attempt");
    }

    @Test
    void typeHints_thatDoNotFit_leaveTheValueAsRead() throws Exception {
      Envelope envelope =
          read(envelope(
              "params",
              "{\"big\":3000000000,\"s\":\"x\",\"f\":1.5,\"b\":300,\"h\":12345678901234567890,"
                  + "\"n\":null,\"w\":7}",
              "types",
              "{\"big\":\"int\",\"s\":\"int\",\"f\":\"biginteger\",\"b\":\"byte\",\"h\":\"int\","
                  + "\"n\":\"short\",\"w\":\"no-such-type\",\"absent\":\"int\"}"));
      assertThat(envelope.params())
          .containsEntry("big", 3_000_000_000L)
          .containsEntry("s", "x")
          .containsEntry("f", 1.5)
          .containsEntry("b", 300L)
          .containsEntry("h", new BigInteger("12345678901234567890"))
          .containsEntry("w", 7L)
          .containsKey("n");
    }

    @Test
    void hugeButShortNumbers_inParams_areReadWithoutFailing() throws Exception {
      Envelope envelope =
          read(envelope("params", "{\"big\":1e400,\"tiny\":1e-400,\"nested\":[1E400]}",
              "types", "{}"));
      assertThat(envelope.params())
          .containsEntry("big", Double.POSITIVE_INFINITY)
          .containsEntry("tiny", 0.0)
          .containsEntry("nested", List.of(Double.POSITIVE_INFINITY));
    }

    @Test
    void emptyBytes() {
      assertThat(reason(new byte[0])).isEqualTo("not a JSON object");
      assertThat(reason("   \n")).isEqualTo("not a JSON object");
    }

    @ParameterizedTest
    @ValueSource(strings = {"hello", "{", "{\"v\":", "{\"v\":1,", "{'v':1}", "{\"v\":01}",
        "{\"v\":1,}", "{\"v\" 1}", "{\"origin\":\"unterminated}", "{\"v\":NaN}"})
    void notJson(String json) {
      assertThat(reason(json)).startsWith("not valid JSON: ");
    }

    @Test
    void invalidUtf8() {
      byte[] bytes = envelope("origin", "\"n\u00e9\"").getBytes(UTF_8);
      byte[] broken = Arrays.copyOf(bytes, bytes.length);
      for (int i = 0; i < broken.length; i++) {
        if (broken[i] == (byte) 0xC3) {
          broken[i + 1] = (byte) 0x28; // a lead byte followed by an ASCII byte
        }
      }
      assertThat(reason(broken)).startsWith("not valid JSON: ").contains("UTF-8");
    }

    @Test
    void truncatedEnvelopes() {
      String json = envelope();
      for (int cut = 1; cut < json.length(); cut++) {
        reason(json.substring(0, cut));
      }
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "[1,2]", "\"text\"", "42", "null", "true"})
    void notAnObject(String json) {
      assertThat(reason(json)).isEqualTo("not a JSON object");
    }

    @ParameterizedTest
    @ValueSource(
        strings = {"origin", "epoch", "seq", "event", "timestamp", "event_date", "event_time",
            "params"})
    void missingMember(String member) {
      assertThat(reason(envelope(member, null)))
          .isEqualTo("the member '" + member + "' is missing");
    }

    @Test
    void missingVersion() {
      assertThat(reason(envelope("v", null))).contains("version");
    }

    @Test
    void missingTypes_isFine() throws Exception {
      assertThat(read(envelope("types", null)).params()).containsEntry("attempt", 1L);
    }

    @ParameterizedTest
    @ValueSource(strings = {"2", "0", "-1", "4294967297", "-4294967295"})
    void unsupportedVersion(String version) {
      assertThat(reason(envelope("v", version))).isEqualTo("unsupported envelope version "
          + version);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"1\"", "1.0", "1e0", "true", "null", "[1]", "{}",
        "18446744073709551617"})
    void versionOfTheWrongType(String version) {
      assertThat(reason(envelope("v", version))).isEqualTo("'v' is not a 64-bit integer");
    }

    @ParameterizedTest
    @ValueSource(strings = {"origin", "event", "timestamp", "event_date", "event_time"})
    void textMemberOfTheWrongType(String member) {
      for (String wrong : List.of("1", "true", "null", "[\"x\"]", "{\"x\":\"y\"}")) {
        assertThat(reason(envelope(member, wrong))).isEqualTo("'" + member + "' is not a string");
      }
    }

    @ParameterizedTest
    @ValueSource(strings = {"epoch", "seq"})
    void integralMemberOfTheWrongType(String member) {
      for (String wrong :
          List.of("\"42\"", "4.2", "42.0", "4e1", "true", "null", "[42]", "{}",
              "9223372036854775808", "-9223372036854775809", "123456789012345678901234567890")) {
        assertThat(reason(envelope(member, wrong)))
            .isEqualTo("'" + member + "' is not a 64-bit integer");
      }
    }

    @Test
    void longLimits_areAccepted() throws Exception {
      Envelope envelope =
          read(envelope("epoch", "-9223372036854775808", "seq", "9223372036854775807"));
      assertThat(envelope.epoch()).isEqualTo(Long.MIN_VALUE);
      assertThat(envelope.seq()).isEqualTo(Long.MAX_VALUE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "-9223372036854775808"})
    void seqNotPositive(String seq) {
      assertThat(reason(envelope("seq", seq))).isEqualTo("seq " + seq + " is not positive");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "yesterday", "2026-11-25", "2026-11-25T10:15:30",
        "2026-13-25T10:15:30Z", "2026-11-25T25:15:30Z", "+1000000001-01-01T00:00:00Z",
        "2026-11-25 10:15:30Z"})
    void badTimestamp(String timestamp) {
      assertThat(reason(envelope("timestamp", "\"" + timestamp + "\"")))
          .isEqualTo("timestamp '" + timestamp + "' is not ISO-8601");
    }

    @Test
    void paramsOfTheWrongType() {
      for (String wrong : List.of("[]", "\"x\"", "1", "null", "true")) {
        assertThat(reason(envelope("params", wrong))).isEqualTo("'params' is not an object");
      }
    }

    @Test
    void typesOfTheWrongType() {
      for (String wrong : List.of("[]", "\"int\"", "1", "null")) {
        assertThat(reason(envelope("types", wrong))).isEqualTo("'types' is not an object");
      }
      assertThat(reason(envelope("types", "{\"attempt\":1}")))
          .isEqualTo("'types.attempt' is not a string");
      assertThat(reason(envelope("types", "{\"attempt\":{\"x\":\"int\"}}")))
          .isEqualTo("'types.attempt' is not a string");
    }

    @Test
    void parameterWithAnEmptyName() {
      assertThat(reason(envelope("params", "{\"\":1}")))
          .isEqualTo("a parameter has an empty name");
    }

    @Test
    void duplicateParameter() {
      assertThat(reason(envelope("params", "{\"a\":1,\"b\":2,\"a\":3}")))
          .startsWith("not valid JSON: ")
          .contains("Duplicate field 'a'");
    }

    @Test
    void duplicateMembers_anywhere() {
      assertThat(reason(envelope().replace("\"seq\":42", "\"seq\":42,\"seq\":43")))
          .contains("Duplicate field 'seq'");
      assertThat(reason(envelope("types", "{\"attempt\":\"int\",\"attempt\":\"long\"}")))
          .contains("Duplicate field 'attempt'");
      assertThat(reason(envelope("params", "{\"m\":{\"k\":1,\"k\":2}}")))
          .contains("Duplicate field 'k'");
      assertThat(reason(envelope("future", "{\"k\":1,\"k\":2}")))
          .contains("Duplicate field 'k'");
    }

    @Test
    void trailingData() {
      assertThat(reason(envelope() + "{}")).isEqualTo("trailing data after the envelope");
      assertThat(reason(envelope() + " 1")).isEqualTo("trailing data after the envelope");
      assertThat(reason(envelope() + envelope())).isEqualTo("trailing data after the envelope");
      assertThat(reason(envelope() + "]")).startsWith("not valid JSON: ");
      assertThat(reason(envelope() + "x")).startsWith("not valid JSON: ");
    }

    @Test
    void oversize() throws Exception {
      byte[] bytes = envelope().getBytes(UTF_8);
      EnvelopeCodec exact = new EnvelopeCodec(bytes.length);
      assertThat(exact.read(bytes).seq()).isEqualTo(42);

      EnvelopeCodec small = new EnvelopeCodec(bytes.length - 1);
      MalformedEnvelopeException e =
          catchThrowableOfType(MalformedEnvelopeException.class, () -> small.read(bytes));
      assertThat(e)
          .hasMessage(bytes.length + " bytes, more than the limit of " + (bytes.length - 1));
    }

    @Test
    void nestingDeeperThanTheLimit() {
      String tooDeep = "[".repeat(200) + "]".repeat(200);
      assertThat(reason(envelope("params", "{\"deep\":" + tooDeep + "}")))
          .startsWith("not valid JSON: ")
          .contains("nesting depth");
      assertThat(reason(envelope("future", tooDeep))).contains("nesting depth");
      // Deep enough to overflow the stack if nothing bounded it.
      String abyss = "{\"a\":".repeat(100_000) + "1" + "}".repeat(100_000);
      assertThat(reason(envelope("params", abyss))).contains("nesting depth");
      assertThat(reason("[".repeat(100_000))).isEqualTo("not a JSON object");
    }

    @Test
    void hugeNumbers() {
      String digits = "9".repeat(1001);
      assertThat(reason(envelope("params", "{\"n\":" + digits + "}")))
          .startsWith("not valid JSON: ")
          .contains("Number value length");
      assertThat(reason(envelope("params", "{\"n\":0." + digits + "}")))
          .contains("Number value length");
      assertThat(reason(envelope("future", digits))).contains("Number value length");
      assertThat(reason(envelope("seq", digits))).contains("Number value length");
    }

    @Test
    void exponentsNoBigDecimalHolds_inTopLevelParams() {
      // Found by this test: Jackson's NumberFormatException used to escape read(), so that the
      // receiver never terminated the message.
      assertThat(reason(envelope("params", "{\"n\":1e2147483648}")))
          .startsWith("the parameter 'n' is a number out of range: ");
      assertThat(reason(envelope("params", "{\"ok\":1,\"n\":-2.5E-2147483649}", "types", "{}")))
          .startsWith("the parameter 'n' is a number out of range: ");
    }

    @Test
    void hugeExponents_areRefusedOrRead_butNothingElseEscapes() {
      for (String number :
          List.of("1e2147483648", "1e-2147483649", "1e99999999999999999999", "-1E-2147483648",
              "0e2147483648", "1.0e+2147483647")) {
        for (String types : List.of("{}", "{\"n\":\"bigdecimal\"}", "{\"n\":\"float\"}",
            "{\"n\":\"biginteger\"}", "{\"n\":\"int\"}")) {
          try {
            Envelope envelope = read(envelope("params", "{\"n\":" + number + "}", "types", types));
            assertThat(envelope.params().get("n")).isInstanceOf(Number.class);
          } catch (MalformedEnvelopeException expected) {
            assertThat(expected.getMessage()).isNotBlank();
          }
        }
      }
    }

    @Test
    void hugeStrings_withinTheByteLimit_areRead() throws Exception {
      String big = "x".repeat(100_000);
      assertThat(read(envelope("origin", "\"" + big + "\"")).origin()).isEqualTo(big);
    }
  }

  @Nested
  class Encoding {

    private String failure(Map<String, ?> params) {
      Event event = emitted(params);
      IllegalArgumentException e =
          catchThrowableOfType(IllegalArgumentException.class, () -> encode(event));
      assertThat(e).as("encoding %s must fail", params.keySet()).isNotNull();
      assertThat(e.getMessage()).startsWith("emit(Sample.TASK_STARTED): ");
      return e.getMessage();
    }

    @Test
    void nanAndInfinity_areRefused() {
      assertThat(failure(params("x", Double.NaN))).contains("parameter 'x' is NaN");
      assertThat(failure(params("x", Float.POSITIVE_INFINITY))).contains("parameter 'x' is Infinity");
      assertThat(failure(params("nested", Map.of("list", List.of(Double.NEGATIVE_INFINITY)))))
          .contains("parameter 'nested.list[0]' is -Infinity");
    }

    @Test
    void nonStringKeys_areRefused() {
      assertThat(failure(params("m", Map.of(1, "one"))))
          .contains("parameter 'm' is a map with the key 1, which is not a String");
      assertThat(failure(params("nested", Map.of("list", List.of("a", Map.of(UUID.nameUUIDFromBytes(
          new byte[0]), 1))))))
          .contains("parameter 'nested.list[1]' is a map with the key");
    }

    @Test
    void aCycle_isRefused() {
      List<Object> self = new ArrayList<>();
      self.add(self);
      assertThat(failure(params("nested", Map.of("list", self))))
          .contains("parameter 'nested.list[0][0]")
          .contains("nests deeper than " + JsonPayload.MAX_DEPTH + " levels (a cycle?)");

      Map<String, Object> map = new LinkedHashMap<>();
      map.put("me", map);
      assertThat(failure(params("m", map))).contains("parameter 'm.me.me.me");
    }

    @Test
    void overDeepNesting_isRefused() {
      Object deep = "leaf";
      for (int i = 0; i <= JsonPayload.MAX_DEPTH; i++) {
        deep = List.of(deep);
      }
      assertThat(failure(params("deep", deep)))
          .contains("parameter 'deep" + "[0]".repeat(JsonPayload.MAX_DEPTH + 1) + "' nests deeper");
    }

    @Test
    void nonJsonObjects_areRefused() {
      assertThat(failure(params("o", new Object())))
          .contains("parameter 'o' is a java.lang.Object; events bridged over NATS carry JSON"
              + " values only");
      assertThat(failure(params("nested", Map.of("list", List.of(UUID.randomUUID())))))
          .contains("parameter 'nested.list[0]' is a java.util.UUID");
      assertThat(failure(params("bytes", new byte[] {1})))
          .contains("parameter 'bytes' is a [B");
      assertThat(failure(params("e", Sample.TASK_STARTED))).contains("parameter 'e' is a ");
      assertThat(failure(params("a", new java.util.concurrent.atomic.AtomicInteger(1))))
          .contains("parameter 'a' is a java.util.concurrent.atomic.AtomicInteger");
    }

    @Test
    void theReservedParameter_isRefused() {
      assertThat(failure(params(BridgeConfig.ORIGIN_NODE, "x")))
          .contains("the parameter 'origin_node' is reserved");
    }
  }
}
