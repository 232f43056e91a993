/**
 * Benchmarks of JOrchestrate against its peers: {@link org.jorchestrate.bench.Contender} adapts
 * each event system to one shape, {@link org.jorchestrate.bench.ThroughputBenchmark} and {@link
 * org.jorchestrate.bench.LatencyHarness} measure them, and {@link org.jorchestrate.bench.Suite}
 * runs everything and writes {@code docs/BENCHMARKS.md}.
 */
package org.jorchestrate.bench;
