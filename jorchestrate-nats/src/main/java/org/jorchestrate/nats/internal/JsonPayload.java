package org.jorchestrate.nats.internal;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.temporal.TemporalAccessor;
import java.time.temporal.TemporalAmount;
import java.util.Collection;
import java.util.Map;
import org.jorchestrate.events.Event;
import org.jspecify.annotations.Nullable;

/*
 * Turns an emission's parameters into the JSON of the envelope's "params" and "types" members,
 * checking on the way that every value is JSON-native (see NatsEventBridge's "Payloads"). Runs on
 * the emitting thread, so that a bad value fails emit and the bytes are a snapshot of the values
 * at emit time.
 *
 * "types" records the Java class of top-level numbers that JSON alone would not bring back (an
 * int arrives as an Integer, not a Long), so that a Java receiver rebuilds them; other languages
 * may ignore it.
 */
final class JsonPayload {

  static final int MAX_DEPTH = 32;

  /** No parameters: the payload of a gap notice. */
  static final Encoded EMPTY = new Encoded("{}".getBytes(java.nio.charset.StandardCharsets.UTF_8), null);

  private JsonPayload() {}

  /** The encoded "params" object and the optional "types" object (null when no hint is needed). */
  @SuppressWarnings("ArrayRecordComponent") // never compared: a holder
  record Encoded(byte[] params, byte @Nullable [] types) {}

  static Encoded encode(JsonFactory json, Event event, String reservedKey) {
    try {
      ByteArrayOutputStream params = new ByteArrayOutputStream(128);
      ByteArrayOutputStream types = null;
      JsonGenerator typeWriter = null;
      try (JsonGenerator out = json.createGenerator(params, JsonEncoding.UTF8)) {
        out.writeStartObject();
        for (Map.Entry<String, @Nullable Object> entry : event.params().entrySet()) {
          String name = entry.getKey();
          if (name.equals(Event.EVENT_DATE) || name.equals(Event.EVENT_TIME)) {
            continue; // carried in the envelope's own members
          }
          if (name.equals(reservedKey)) {
            throw new IllegalArgumentException(
                prefix(event)
                    + "the parameter '"
                    + reservedKey
                    + "' is reserved: the NATS bridge sets it on events from other nodes; rename"
                    + " it");
          }
          Object value = entry.getValue();
          out.writeFieldName(name);
          write(out, value, event, name, 0);
          String hint = NumberHints.hintOf(value);
          if (hint != null) {
            if (typeWriter == null) {
              types = new ByteArrayOutputStream(32);
              typeWriter = json.createGenerator(types, JsonEncoding.UTF8);
              typeWriter.writeStartObject();
            }
            typeWriter.writeStringField(name, hint);
          }
        }
        out.writeEndObject();
      }
      if (typeWriter != null) {
        typeWriter.writeEndObject();
        typeWriter.close();
      }
      return new Encoded(params.toByteArray(), types == null ? null : types.toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e); // writing to memory: not expected
    }
  }

  private static void write(
      JsonGenerator out, @Nullable Object value, Event event, String path, int depth)
      throws IOException {
    if (depth > MAX_DEPTH) {
      throw new IllegalArgumentException(
          prefix(event)
              + "parameter '"
              + path
              + "' nests deeper than "
              + MAX_DEPTH
              + " levels (a cycle?); events bridged over NATS carry JSON trees");
    }
    if (value == null) {
      out.writeNull();
    } else if (value instanceof String s) {
      out.writeString(s);
    } else if (value instanceof Boolean b) {
      out.writeBoolean(b);
    } else if (value instanceof Integer || value instanceof Long || value instanceof Short
        || value instanceof Byte) {
      out.writeNumber(((Number) value).longValue());
    } else if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        throw new IllegalArgumentException(
            prefix(event)
                + "parameter '"
                + path
                + "' is "
                + d
                + ", which JSON cannot carry; send a finite number or null");
      }
      if (value instanceof Float f) {
        out.writeNumber(f);
      } else {
        out.writeNumber(d);
      }
    } else if (value instanceof BigInteger big) {
      out.writeNumber(big);
    } else if (value instanceof BigDecimal big) {
      out.writeNumber(big);
    } else if (value instanceof TemporalAccessor || value instanceof TemporalAmount) {
      if (!value.getClass().getName().startsWith("java.time.")) {
        throw notJson(event, path, value);
      }
      out.writeString(value.toString()); // ISO-8601 for every java.time type
    } else if (value instanceof Collection<?> list) {
      out.writeStartArray();
      int i = 0;
      for (Object element : list) {
        write(out, element, event, path + "[" + i++ + "]", depth + 1);
      }
      out.writeEndArray();
    } else if (value instanceof Map<?, ?> map) {
      out.writeStartObject();
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        if (!(entry.getKey() instanceof String key)) {
          throw new IllegalArgumentException(
              prefix(event)
                  + "parameter '"
                  + path
                  + "' is a map with the key "
                  + entry.getKey()
                  + ", which is not a String; JSON objects have String keys");
        }
        out.writeFieldName(key);
        write(out, entry.getValue(), event, path + "." + key, depth + 1);
      }
      out.writeEndObject();
    } else {
      throw notJson(event, path, value);
    }
  }

  private static IllegalArgumentException notJson(Event event, String path, Object value) {
    return new IllegalArgumentException(
        prefix(event)
            + "parameter '"
            + path
            + "' is a "
            + value.getClass().getName()
            + "; events bridged over NATS carry JSON values only (String, numbers, booleans,"
            + " null, lists and String-keyed maps of them, java.time values as ISO strings)."
            + " Convert it, for example to a String or a Map, before emitting");
  }

  private static String prefix(Event event) {
    Enum<?> type = event.type();
    return "emit(" + type.getDeclaringClass().getSimpleName() + "." + type.name() + "): ";
  }
}
