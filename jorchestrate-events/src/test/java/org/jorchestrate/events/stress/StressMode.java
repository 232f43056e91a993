package org.jorchestrate.events.stress;

/**
 * Short or long mode of the stress tests: short in the test command, long with {@code
 * -Djorchestrate.stress=long} (see {@code stress/run-long.sh}).
 */
final class StressMode {

  private StressMode() {}

  static boolean isLong() {
    return "long".equals(System.getProperty("jorchestrate.stress"));
  }

  static int pick(int shortValue, int longValue) {
    return isLong() ? longValue : shortValue;
  }
}
