package org.jorchestrate.nats.internal;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/*
 * Writes and reads the JSON envelope. Reading trusts nothing: any byte sequence either yields a
 * well-formed Envelope or a MalformedEnvelopeException with a reason; sizes and nesting are
 * bounded, and no class name is ever read from the wire.
 */
final class EnvelopeCodec {

  static final int VERSION = 1;

  private final JsonFactory json;
  private final int maxBytes;

  EnvelopeCodec(int maxBytes) {
    this.maxBytes = maxBytes;
    this.json =
        JsonFactory.builder()
            .streamReadConstraints(
                StreamReadConstraints.builder()
                    // the envelope, "params", and the MAX_DEPTH + 1 container levels (depths
                    // 0..MAX_DEPTH) that JsonPayload accepts in a parameter
                    .maxNestingDepth(JsonPayload.MAX_DEPTH + 3)
                    .maxStringLength(maxBytes)
                    .maxNumberLength(1000)
                    .build())
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
  }

  JsonFactory factory() {
    return json;
  }

  /** Writes the envelope around the parameters encoded at emit time. */
  byte[] write(OutgoingEvent event, String origin, long epoch, long seq) {
    return write(event, origin, epoch, seq, seq);
  }

  /**
   * Writes an envelope; {@code floor} is the lowest sequence number the origin had sent but not
   * yet seen stored when it sent this one (a receiver meeting the origin first with this event
   * accepts earlier ones from floor on if they come later).
   */
  byte[] write(OutgoingEvent event, String origin, long epoch, long seq, long floor) {
    try {
      ByteArrayOutputStream bytes =
          new ByteArrayOutputStream(192 + event.payload().params().length);
      try (JsonGenerator out = json.createGenerator(bytes, JsonEncoding.UTF8)) {
        out.writeStartObject();
        out.writeNumberField("v", VERSION);
        out.writeStringField("origin", origin);
        out.writeNumberField("epoch", epoch);
        out.writeNumberField("seq", seq);
        if (floor != seq) {
          out.writeNumberField("floor", floor);
        }
        out.writeStringField("event", event.eventName());
        out.writeStringField("timestamp", event.timestamp().toString());
        out.writeStringField("event_date", event.eventDate());
        out.writeStringField("event_time", event.eventTime());
        out.writeFieldName("params");
        out.writeRawValue(new String(event.payload().params(), UTF_8));
        byte[] types = event.payload().types();
        if (types != null) {
          out.writeFieldName("types");
          out.writeRawValue(new String(types, UTF_8));
        }
        out.writeEndObject();
      }
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // writing to memory: not expected
    }
  }

  /** Reads an envelope, or says why the bytes are not one. */
  Envelope read(byte[] data) throws MalformedEnvelopeException {
    if (data.length > maxBytes) {
      throw new MalformedEnvelopeException(
          data.length + " bytes, more than the limit of " + maxBytes);
    }
    try (JsonParser in = json.createParser(data)) {
      if (in.nextToken() != JsonToken.START_OBJECT) {
        throw new MalformedEnvelopeException("not a JSON object");
      }
      Long version = null;
      String origin = null;
      Long epoch = null;
      Long seq = null;
      Long floor = null;
      String event = null;
      String timestamp = null;
      String date = null;
      String time = null;
      Map<String, @Nullable Object> params = null;
      Map<String, String> types = Map.of();
      JsonToken token;
      while ((token = in.nextToken()) == JsonToken.FIELD_NAME) {
        String field = in.currentName();
        JsonToken value = in.nextToken();
        switch (field) {
          case "v" -> version = integral(in, value, field); // no (int) cast: 2^32 + 1 is not 1
          case "origin" -> origin = text(in, value, field);
          case "epoch" -> epoch = integral(in, value, field);
          case "seq" -> seq = integral(in, value, field);
          case "floor" -> floor = integral(in, value, field);
          case "event" -> event = text(in, value, field);
          case "timestamp" -> timestamp = text(in, value, field);
          case "event_date" -> date = text(in, value, field);
          case "event_time" -> time = text(in, value, field);
          case "params" -> params = topLevel(in, value);
          case "types" -> types = types(in, value);
          default -> in.skipChildren(); // unknown members: later versions may add some
        }
      }
      if (token != JsonToken.END_OBJECT || in.nextToken() != null) {
        throw new MalformedEnvelopeException("trailing data after the envelope");
      }
      if (version == null || version.longValue() != VERSION) {
        throw new MalformedEnvelopeException("unsupported envelope version " + version);
      }
      String o = require(origin, "origin");
      long e = require(epoch, "epoch");
      long s = require(seq, "seq");
      String name = require(event, "event");
      String stamp = require(timestamp, "timestamp");
      String d = require(date, "event_date");
      String t = require(time, "event_time");
      Map<String, @Nullable Object> p = require(params, "params");
      if (s < 1) {
        throw new MalformedEnvelopeException("seq " + s + " is not positive");
      }
      Instant instant;
      try {
        instant = Instant.parse(stamp);
      } catch (DateTimeParseException bad) {
        throw new MalformedEnvelopeException("timestamp '" + stamp + "' is not ISO-8601");
      }
      applyHints(p, types);
      long f = floor == null ? s : floor;
      if (f < 1 || f > s) {
        throw new MalformedEnvelopeException("floor " + f + " is not between 1 and seq " + s);
      }
      return new Envelope(o, e, s, name, instant, d, t, p, f);
    } catch (IOException e) { // JsonParseException, constraint violations, truncation
      String reason =
          e instanceof com.fasterxml.jackson.core.JacksonException j
              ? j.getOriginalMessage()
              : e.toString();
      throw new MalformedEnvelopeException("not valid JSON: " + reason);
    }
  }

  private static <T> T require(@Nullable T value, String field) throws MalformedEnvelopeException {
    if (value == null) {
      throw new MalformedEnvelopeException("the member '" + field + "' is missing");
    }
    return value;
  }

  private static long integral(JsonParser in, JsonToken token, String field)
      throws IOException, MalformedEnvelopeException {
    if (token != JsonToken.VALUE_NUMBER_INT || in.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
      throw new MalformedEnvelopeException("'" + field + "' is not a 64-bit integer");
    }
    return in.getLongValue();
  }

  private static String text(JsonParser in, JsonToken token, String field)
      throws IOException, MalformedEnvelopeException {
    if (token != JsonToken.VALUE_STRING) {
      throw new MalformedEnvelopeException("'" + field + "' is not a string");
    }
    return in.getText();
  }

  private static Map<String, String> types(JsonParser in, JsonToken token)
      throws IOException, MalformedEnvelopeException {
    if (token != JsonToken.START_OBJECT) {
      throw new MalformedEnvelopeException("'types' is not an object");
    }
    Map<String, String> types = new HashMap<>();
    while (in.nextToken() == JsonToken.FIELD_NAME) {
      String name = in.currentName();
      types.put(name, text(in, in.nextToken(), "types." + name));
    }
    return types;
  }

  /* Top-level fractional numbers are read exactly (BigDecimal) until their hints are applied. */
  private static Map<String, @Nullable Object> topLevel(JsonParser in, JsonToken token)
      throws IOException, MalformedEnvelopeException {
    if (token != JsonToken.START_OBJECT) {
      throw new MalformedEnvelopeException("'params' is not an object");
    }
    Map<String, @Nullable Object> params = new LinkedHashMap<>();
    while (in.nextToken() == JsonToken.FIELD_NAME) {
      String name = in.currentName();
      if (name.isEmpty()) {
        throw new MalformedEnvelopeException("a parameter has an empty name");
      }
      JsonToken value = in.nextToken();
      Object read;
      try {
        read = value == JsonToken.VALUE_NUMBER_FLOAT ? in.getDecimalValue() : value(in, value);
      } catch (NumberFormatException outOfRange) { // e.g. 1e2147483648: no BigDecimal holds it
        throw new MalformedEnvelopeException(
            "the parameter '" + name + "' is a number out of range: " + outOfRange.getMessage());
      }
      if (params.containsKey(name)) {
        throw new MalformedEnvelopeException("the parameter '" + name + "' appears twice");
      }
      params.put(name, read);
    }
    return params;
  }

  private static @Nullable Object value(JsonParser in, JsonToken token)
      throws IOException, MalformedEnvelopeException {
    return switch (token) {
      case VALUE_NULL -> null;
      case VALUE_TRUE -> true;
      case VALUE_FALSE -> false;
      case VALUE_STRING -> in.getText();
      case VALUE_NUMBER_INT ->
          in.getNumberType() == JsonParser.NumberType.BIG_INTEGER
              ? in.getBigIntegerValue()
              : (Object) in.getLongValue();
      case VALUE_NUMBER_FLOAT -> in.getDoubleValue();
      case START_ARRAY -> {
        List<@Nullable Object> list = new ArrayList<>();
        JsonToken next;
        while ((next = in.nextToken()) != JsonToken.END_ARRAY) {
          list.add(value(in, next));
        }
        yield Collections.unmodifiableList(list);
      }
      case START_OBJECT -> {
        Map<String, @Nullable Object> map = new LinkedHashMap<>();
        while (in.nextToken() == JsonToken.FIELD_NAME) {
          String name = in.currentName();
          map.put(name, value(in, in.nextToken()));
        }
        yield Collections.unmodifiableMap(map);
      }
      default -> throw new MalformedEnvelopeException("unexpected " + token);
    };
  }

  private static void applyHints(Map<String, @Nullable Object> params, Map<String, String> types) {
    for (Map.Entry<String, @Nullable Object> entry : params.entrySet()) {
      Object value = entry.getValue();
      if (!(value instanceof Number number)) {
        continue;
      }
      String hint = types.get(entry.getKey());
      if (value instanceof BigDecimal exact && !"bigdecimal".equals(hint)) {
        number = exact.doubleValue(); // the default for a fractional number
        entry.setValue(number);
      }
      if (hint != null) {
        entry.setValue(NumberHints.apply(hint, number));
      }
    }
  }
}
