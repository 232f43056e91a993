/**
 * JOrchestrate's event manager: enum-keyed events with named parameters, delivered asynchronously
 * to isolated subscriptions.
 *
 * <p>Only {@code org.jorchestrate.events} is exported to applications; {@code
 * org.jorchestrate.events.spi} is exported only to JOrchestrate's NATS bridge, and {@code
 * org.jorchestrate.events.internal} holds the dispatch engine and may change in any release.
 */
@SuppressWarnings("module") // org.jorchestrate.nats, the target of a qualified export, is built later
module org.jorchestrate.events {
  requires org.slf4j;
  requires org.jctools.core;
  requires static transitive org.jspecify;
  requires static transitive com.google.errorprone.annotations;

  exports org.jorchestrate.events;
  exports org.jorchestrate.events.spi to
      org.jorchestrate.nats;
}
