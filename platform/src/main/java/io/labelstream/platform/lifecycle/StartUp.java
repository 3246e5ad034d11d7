package io.labelstream.platform.lifecycle;

import io.labelstream.platform.config.ConfigException;
import java.util.Optional;

/**
 * The body of a {@code main}: an invalid setting ends the process with one line that names the variable and what
 * it accepts (exit code 2), never a stack trace, however deep a service wrapped the {@link ConfigException}. The
 * container images start the services' own {@code main}, the {@code ./labelstream} command its launcher: both go
 * through here, so an operator sees the same answer either way.
 */
public final class StartUp {

  /** Exit code of a process refused its settings, as a shell's usage errors. */
  public static final int CONFIG_ERROR_EXIT_CODE = 2;

  /** A main's body. */
  @FunctionalInterface
  public interface Body {
    void run() throws Exception;
  }

  private StartUp() {}

  public static void run(Body body) throws Exception {
    try {
      body.run();
    } catch (RuntimeException e) {
      ConfigException invalid = configError(e).orElseThrow(() -> e);
      System.err.println("configuration error: " + invalid.getMessage());
      System.exit(CONFIG_ERROR_EXIT_CODE);
    }
  }

  /** The invalid setting behind a failed start, however deep it was wrapped. */
  public static Optional<ConfigException> configError(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
      if (cause instanceof ConfigException invalid) {
        return Optional.of(invalid);
      }
    }
    return Optional.empty();
  }
}
