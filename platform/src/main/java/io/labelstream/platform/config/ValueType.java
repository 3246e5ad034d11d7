package io.labelstream.platform.config;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * What a setting accepts and how its text becomes a value. A parser throws {@link IllegalArgumentException} for a
 * value it refuses; {@link Env} turns that into a {@link ConfigException} naming the variable and {@link #accepts()}.
 *
 * @param accepts the allowed values in words, as the error message and docs/configuration.md show them
 */
public record ValueType<T>(String accepts, Function<String, T> parser) {

  /** Any non-blank text. */
  public static ValueType<String> text(String accepts) {
    return new ValueType<>(accepts, raw -> raw);
  }

  public static ValueType<Integer> integer(int min, int max) {
    return new ValueType<>(wholeNumber(min, max), raw -> (int) inRange(Long.parseLong(raw), min, max));
  }

  public static ValueType<Long> longInteger(long min, long max) {
    return new ValueType<>(wholeNumber(min, max), raw -> inRange(Long.parseLong(raw), min, max));
  }

  public static ValueType<Integer> port() {
    return integer(0, 65_535);
  }

  public static ValueType<Double> decimal(double min, double max) {
    return new ValueType<>("a number from " + min + " to " + max, raw -> {
      double value = Double.parseDouble(raw);
      if (!(value >= min && value <= max)) {
        throw new IllegalArgumentException("out of range");
      }
      return value;
    });
  }

  /**
   * A whole number of days, hours, minutes or seconds: {@code 365d}, {@code 12h}, {@code 30m}, {@code 90s}; an
   * ISO-8601 duration ({@code PT12H}) is taken too.
   */
  public static ValueType<java.time.Duration> duration() {
    return new ValueType<>("a whole number followed by d, h, m or s (365d, 12h, 30m, 90s)", raw -> {
      if (raw.trim().toUpperCase(Locale.ROOT).startsWith("P")) {
        return java.time.Duration.parse(raw.trim().toUpperCase(Locale.ROOT));
      }
      var m = java.util.regex.Pattern.compile("(\\d{1,9})([dhms])").matcher(raw.trim());
      if (!m.matches()) {
        throw new IllegalArgumentException("not a duration");
      }
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "d" -> java.time.Duration.ofDays(n);
        case "h" -> java.time.Duration.ofHours(n);
        case "m" -> java.time.Duration.ofMinutes(n);
        default -> java.time.Duration.ofSeconds(n);
      };
    });
  }

  /** true or false, nothing else. */
  public static ValueType<Boolean> bool() {
    return new ValueType<>("true or false", raw -> switch (raw.toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException("not a boolean");
    });
  }

  /**
   * One of a few lower-case words; upper case and '-' for '_' are accepted too. The value is the listed word, so a
   * service maps it onto its own enum.
   */
  public static ValueType<String> choice(String... values) {
    List<String> allowed = List.of(values);
    return new ValueType<>("one of " + String.join(", ", allowed), raw -> {
      String wanted = raw.toLowerCase(Locale.ROOT).replace('-', '_');
      if (!allowed.contains(wanted)) {
        throw new IllegalArgumentException("not one of " + allowed);
      }
      return wanted;
    });
  }

  /** A file or folder path; whether it exists is for the reader to check, when it needs it. */
  public static ValueType<Path> path(String accepts) {
    return new ValueType<>(accepts, raw -> {
      try {
        return Path.of(raw);
      } catch (InvalidPathException e) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
    });
  }

  /** A file or folder that exists when the setting is read. */
  public static ValueType<Path> existingPath(String accepts) {
    Function<String, Path> asPath = path(accepts).parser();
    return new ValueType<>(accepts, raw -> {
      Path path = asPath.apply(raw);
      if (!Files.exists(path)) {
        throw new IllegalArgumentException("no such file or folder");
      }
      return path;
    });
  }

  /** Comma-separated names: at least two, all different, blanks between commas ignored. */
  public static ValueType<List<String>> distinctNames() {
    return new ValueType<>("at least two distinct class names, comma-separated", raw -> {
      List<String> names = Arrays.stream(raw.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
      if (names.size() < 2 || names.stream().distinct().count() != names.size()) {
        throw new IllegalArgumentException("fewer than two distinct names");
      }
      return names;
    });
  }

  T parse(String raw) {
    return parser.apply(raw);
  }

  private static String wholeNumber(long min, long max) {
    return "a whole number from " + min + " to " + max;
  }

  private static long inRange(long value, long min, long max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException("out of range");
    }
    return value;
  }
}
