package io.labelstream.platform.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads settings from environment-style variables once, at start-up, with defaults. Every parse error names the
 * variable and what it accepts, so a bad deployment fails fast and says why.
 *
 * <p>Built from {@code System.getenv()} in {@code main} and from a literal map in tests.
 */
public final class Env {

  private final Map<String, String> vars;
  private final Set<String> namesRead = ConcurrentHashMap.newKeySet();

  public Env(Map<String, String> vars) {
    this.vars = Map.copyOf(vars);
  }

  public static Env system() {
    return new Env(System.getenv());
  }

  /** The raw value, or empty when unset or blank. Every other accessor reads through this one. */
  public Optional<String> optional(String name) {
    namesRead.add(name);
    String value = vars.get(name);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
  }

  public String string(String name, String defaultValue) {
    return optional(name).orElse(defaultValue);
  }

  public int intIn(String name, int defaultValue, int min, int max) {
    return (int) longIn(name, defaultValue, min, max);
  }

  public long longIn(String name, long defaultValue, long min, long max) {
    Optional<String> raw = optional(name);
    if (raw.isEmpty()) {
      return defaultValue;
    }
    try {
      long value = Long.parseLong(raw.get());
      if (value < min || value > max) {
        throw invalid(name, raw.get(), "a whole number from " + min + " to " + max);
      }
      return value;
    } catch (NumberFormatException e) {
      throw invalid(name, raw.get(), "a whole number from " + min + " to " + max);
    }
  }

  public double doubleIn(String name, double defaultValue, double min, double max) {
    Optional<String> raw = optional(name);
    if (raw.isEmpty()) {
      return defaultValue;
    }
    try {
      double value = Double.parseDouble(raw.get());
      if (!(value >= min && value <= max)) {
        throw invalid(name, raw.get(), "a number from " + min + " to " + max);
      }
      return value;
    } catch (NumberFormatException e) {
      throw invalid(name, raw.get(), "a number from " + min + " to " + max);
    }
  }

  public int port(String name, int defaultValue) {
    return intIn(name, defaultValue, 0, 65535);
  }

  /** true or false, nothing else. */
  public boolean bool(String name, boolean defaultValue) {
    Optional<String> raw = optional(name);
    if (raw.isEmpty()) {
      return defaultValue;
    }
    return switch (raw.get().trim().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw invalid(name, raw.get(), "true or false");
    };
  }

  public <E extends Enum<E>> E oneOf(String name, Class<E> type, E defaultValue) {
    Optional<String> raw = optional(name);
    if (raw.isEmpty()) {
      return defaultValue;
    }
    String wanted = raw.get().toUpperCase(Locale.ROOT).replace('-', '_');
    for (E constant : type.getEnumConstants()) {
      if (constant.name().equals(wanted)) {
        return constant;
      }
    }
    String allowed = String.join(", ", Arrays.stream(type.getEnumConstants())
        .map(c -> c.name().toLowerCase(Locale.ROOT)).toList());
    throw invalid(name, raw.get(), "one of " + allowed);
  }

  /**
   * Every name asked for so far, set or not. deploy/'s test builds each service's config from a Deployment's
   * environment and checks that nothing the Deployment sets goes unread (a misspelt variable is otherwise silently
   * ignored).
   */
  public Set<String> namesRead() {
    return Set.copyOf(namesRead);
  }

  public static ConfigException invalid(String name, String value, String expected) {
    return new ConfigException(name + "=" + value + " is invalid: expected " + expected);
  }
}
