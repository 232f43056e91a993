/**
 * Runnable examples of JOrchestrate. Compiled as a module, so the build checks that they use only
 * what the library exports.
 */
module org.jorchestrate.examples {
  requires org.jorchestrate.events;
  requires org.jorchestrate.runtime;
  requires org.jorchestrate.nats;

  // The annotated-listener example has non-public listener methods: open the package to the
  // event manager so that it can bind them.
  opens org.jorchestrate.examples to
      org.jorchestrate.events;
}
