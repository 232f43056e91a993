package org.jorchestrate.bench;

import java.lang.management.ManagementFactory;

/** The CPU time of this whole process, for the harnesses' CPU figures. */
final class ProcessCpu {

  private ProcessCpu() {}

  /**
   * Returns the CPU time of the whole process: every thread, including those a contender started
   * and stopped meanwhile, and the JVM's own (GC, compiler). Linux counts it in clock ticks
   * (10 ms): a percent or less of a measurement lasting a second or more on two cores.
   *
   * @return nanoseconds of CPU time since the process started
   * @throws IllegalStateException if this JVM does not report it
   */
  static long nanos() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      long nanos = os.getProcessCpuTime();
      if (nanos >= 0) {
        return nanos;
      }
    }
    throw new IllegalStateException(
        "this JVM does not report the process's CPU time (com.sun.management.OperatingSystemMXBean);"
            + " the harnesses need it for their CPU figures");
  }
}
