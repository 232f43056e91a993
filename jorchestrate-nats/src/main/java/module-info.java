/**
 * Carries JOrchestrate events between processes over NATS JetStream: {@link
 * org.jorchestrate.nats.NatsEventBridge}.
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"}) // jnats has no module-info; users need its Connection
module org.jorchestrate.nats {
  requires transitive org.jorchestrate.events;
  requires transitive io.nats.jnats;
  requires com.fasterxml.jackson.core;
  requires org.jctools.core;
  requires org.slf4j;
  requires static transitive org.jspecify;

  exports org.jorchestrate.nats;
}
