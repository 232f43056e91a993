/**
 * JOrchestrate's event manager: enum-keyed events with named parameters, delivered asynchronously
 * to isolated subscriptions.
 *
 * <p>Only {@code org.jorchestrate.events} is exported; {@code org.jorchestrate.events.internal}
 * holds the dispatch engine and may change in any release.
 */
module org.jorchestrate.events {
  requires org.slf4j;
  requires org.jctools.core;
  requires static transitive org.jspecify;
  requires static transitive com.google.errorprone.annotations;

  exports org.jorchestrate.events;
}
