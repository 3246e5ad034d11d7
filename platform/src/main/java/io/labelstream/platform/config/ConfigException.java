package io.labelstream.platform.config;

/** A setting that cannot be used; the message names the variable and what it accepts. */
public final class ConfigException extends IllegalArgumentException {

  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
