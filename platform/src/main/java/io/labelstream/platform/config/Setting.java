package io.labelstream.platform.config;

import java.util.List;
import java.util.Optional;

/**
 * One environment variable, declared once in {@link ConfigRegistry}: its name, what it accepts, its default, who reads
 * it and why. Settings are made only by the declaration classes of this package, so code cannot read a variable
 * that is not declared (and therefore not documented in docs/configuration.md).
 *
 * @param name the variable
 * @param scope the service (or tool) that reads it
 * @param type what it accepts and how it is parsed
 * @param defaultValue the value when unset or blank; empty when the reader works one out (see {@code defaultText})
 *     or the setting is optional
 * @param defaultText the default in words, for the docs
 * @param doc one line on what it does
 * @param formerNames deprecated names still read, with a warning, when this one is unset
 * @param secret the value never appears in logs, messages or {@code toString()}
 */
public record Setting<T>(String name, Scope scope, ValueType<T> type, Optional<T> defaultValue, String defaultText,
    String doc, List<String> formerNames, boolean secret) {

  public Setting {
    formerNames = List.copyOf(formerNames);
  }

  /** Builds a declaration; {@link #doc(String)} ends it and registers it with its declaration class. */
  static final class Builder<T> {
    private final Declarations declarations;
    private final String name;
    private final ValueType<T> type;
    private Optional<T> defaultValue = Optional.empty();
    private String defaultText = "unset";
    private List<String> formerNames = List.of();
    private boolean secret;

    Builder(Declarations declarations, String name, ValueType<T> type) {
      this.declarations = declarations;
      this.name = name;
      this.type = type;
    }

    Builder<T> byDefault(T value) {
      defaultValue = Optional.of(value);
      defaultText = String.valueOf(value);
      return this;
    }

    /** A default the reader works out (from other settings or the machine), described for the docs. */
    Builder<T> defaultDescribed(String description) {
      defaultText = description;
      return this;
    }

    Builder<T> formerly(String... oldNames) {
      formerNames = List.of(oldNames);
      return this;
    }

    Builder<T> secret() {
      secret = true;
      return this;
    }

    Setting<T> doc(String doc) {
      return declarations.add(new Setting<>(name, declarations.scope(), type, defaultValue, defaultText, doc,
          formerNames, secret));
    }
  }
}
