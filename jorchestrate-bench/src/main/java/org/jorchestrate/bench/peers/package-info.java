/** Adapters of JOrchestrate and its peers to the benchmark's {@code Contender} shape. */
package org.jorchestrate.bench.peers;
