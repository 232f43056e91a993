package org.jorchestrate.events.internal;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;

/*
 * The specification's event_date and event_time strings: Python's date.isoformat() and
 * time.isoformat() of the local date-time, except that the time always has six fractional digits
 * (Python drops them when the microsecond is zero; one shape is easier on readers).
 *
 * Called lazily, at most once per event and field (the event caches the result), so a plain
 * StringBuilder is fine; nothing here runs on the emit path.
 */
final class IsoTimestamps {

  private IsoTimestamps() {}

  static LocalDateTime local(Instant instant, ZoneId zone) {
    ZoneOffset offset = zone.getRules().getOffset(instant);
    return LocalDateTime.ofEpochSecond(instant.getEpochSecond(), instant.getNano(), offset);
  }

  static String date(LocalDateTime local) {
    return local.toLocalDate().toString();
  }

  static String time(LocalDateTime local) {
    StringBuilder out = new StringBuilder(15);
    pad2(out, local.getHour()).append(':');
    pad2(out, local.getMinute()).append(':');
    pad2(out, local.getSecond()).append('.');
    String micros = Integer.toString(local.getNano() / 1000);
    for (int i = micros.length(); i < 6; i++) {
      out.append('0');
    }
    return out.append(micros).toString();
  }

  private static StringBuilder pad2(StringBuilder out, int value) {
    if (value < 10) {
      out.append('0');
    }
    return out.append(value);
  }
}
