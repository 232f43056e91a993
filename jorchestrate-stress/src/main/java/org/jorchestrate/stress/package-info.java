/**
 * jcstress tests of JOrchestrate's concurrency, one class per property. Each states the question
 * it asks and names the bug its forbidden outcome would reveal. They use the public API only, on
 * a synchronous manager (callbacks run on the emitting threads, so the actors themselves race
 * through the engine's handshakes) or with an executor the test controls.
 *
 * <p>Run with {@code java -jar jorchestrate-stress/target/jcstress.jar -m quick -c 2} (the test
 * command does) or without {@code -m quick} for the full mode ({@code stress/run-jcstress.sh}).
 */
package org.jorchestrate.stress;
