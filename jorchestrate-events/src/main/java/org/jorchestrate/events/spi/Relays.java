package org.jorchestrate.events.spi;

import java.time.Instant;
import java.util.Map;
import org.jorchestrate.events.Emission;
import org.jorchestrate.events.EventManager;
import org.jorchestrate.events.internal.Engine;
import org.jspecify.annotations.Nullable;

/**
 * Entry points for relays: installing an {@link EmissionRelay} on a manager, and emitting events
 * that arrived from elsewhere with their original timestamps.
 *
 * <p>For JOrchestrate's own modules (exported only to them). Thread-safe.
 */
public final class Relays {

  private Relays() {}

  /**
   * Installs a relay on a manager.
   *
   * @param manager the manager whose local emissions are relayed
   * @param relay the relay
   * @throws IllegalStateException if the manager already has a relay
   */
  public static void install(EventManager manager, EmissionRelay relay) {
    engineOf(manager).installRelay(relay);
  }

  /**
   * Removes a relay; emissions that already passed {@link EmissionRelay#check} may still reach
   * {@link EmissionRelay#relay} while this runs. Does nothing if {@code relay} is not installed.
   *
   * @param manager the manager
   * @param relay the relay to remove
   */
  public static void uninstall(EventManager manager, EmissionRelay relay) {
    engineOf(manager).uninstallRelay(relay);
  }

  /**
   * Emits an event that was emitted elsewhere: its callbacks see the given timestamp and the given
   * {@code event_date}/{@code event_time} strings instead of this manager's clock. Parameters are
   * validated as by {@link EventManager#emit(Enum, Map)}. The emission is not relayed.
   *
   * @param manager the local manager
   * @param type the event
   * @param params the parameters
   * @param timestamp the original instant of emission
   * @param eventDate the original {@code event_date}
   * @param eventTime the original {@code event_time}
   * @return the emission, refused if the manager is shut down
   */
  public static Emission emitRemote(
      EventManager manager,
      Enum<?> type,
      Map<String, ? extends @Nullable Object> params,
      Instant timestamp,
      String eventDate,
      String eventTime) {
    return engineOf(manager).emitRemote(type, params, timestamp, eventDate, eventTime);
  }

  private static Engine engineOf(EventManager manager) {
    return Engine.of(manager);
  }
}
