/**
 * The NATS bridge across processes: {@link org.jorchestrate.bench.nats.NatsBridgeBenchmark} runs
 * each measurement of {@link org.jorchestrate.bench.nats.NatsMeasurement} in its own JVM, against
 * its own nats-server child process, with two bridged nodes on loopback, and writes the section of
 * {@code docs/BENCHMARKS.md} that reports them.
 */
package org.jorchestrate.bench.nats;
