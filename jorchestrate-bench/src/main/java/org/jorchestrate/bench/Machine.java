package org.jorchestrate.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** What the report says about the machine, read from {@code /proc} where there is one. */
final class Machine {

  private Machine() {}

  static String cpu() {
    return procLine("/proc/cpuinfo", "model name").orElse(System.getProperty("os.arch"));
  }

  static String memory() {
    return procLine("/proc/meminfo", "MemTotal")
        .map(
            kb ->
                String.format(
                    Locale.ROOT,
                    "%.1f GiB",
                    Long.parseLong(kb.replaceAll("[^0-9]", "")) / (1024.0 * 1024.0)))
        .orElse("unknown");
  }

  private static java.util.Optional<String> procLine(String file, String key) {
    try {
      return Files.readAllLines(Path.of(file)).stream()
          .filter(line -> line.startsWith(key))
          .map(line -> line.substring(line.indexOf(':') + 1).trim())
          .findFirst();
    } catch (IOException | RuntimeException e) {
      return java.util.Optional.empty();
    }
  }
}
