package io.labelstream.platform.config;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads settings from environment-style variables once, at start-up, through their declarations in
 * {@link ConfigRegistry}: a variable that is not declared cannot be read, and every parse error names the variable and
 * what it accepts, so a bad deployment fails fast and says why.
 *
 * <p>Built from {@code System.getenv()} in {@code main} and from a literal map in tests.
 */
public final class Env {

  private static final Logger LOG = LoggerFactory.getLogger(Env.class);
  /** Deprecated names already warned about: the warning is logged once per process, however many configs are built. */
  private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

  private final Map<String, String> vars;
  private final Set<String> namesRead = ConcurrentHashMap.newKeySet();
  private final Set<String> formerNamesUsed = ConcurrentHashMap.newKeySet();

  public Env(Map<String, String> vars) {
    this.vars = Map.copyOf(vars);
  }

  public static Env system() {
    return new Env(System.getenv());
  }

  /** The value, or the declared default; for a setting without one, use {@link #find}. */
  public <T> T get(Setting<T> setting) {
    return find(setting).or(setting::defaultValue).orElseThrow(() -> new IllegalStateException(
        setting.name() + " has no declared default: read it with find() and decide what unset means"));
  }

  /** The value when set (under its name or a deprecated one) and not blank; never the default. */
  public <T> Optional<T> find(Setting<T> setting) {
    return lookUp(setting).map(found -> parse(setting, found));
  }

  /** True when the setting is given a value, under its name or a deprecated one. */
  public boolean isSet(Setting<?> setting) {
    return lookUp(setting).isPresent();
  }

  /**
   * Every variable asked for so far, set or not, deprecated names included. deploy/'s test builds each service's
   * config from a Deployment's environment and checks that nothing the Deployment sets goes unread (a misspelt
   * variable is otherwise silently ignored).
   */
  public Set<String> namesRead() {
    return Set.copyOf(namesRead);
  }

  /** Deprecated names this environment set and that were read. */
  public Set<String> formerNamesUsed() {
    return Set.copyOf(formerNamesUsed);
  }

  /** A setting's value that cannot be used; a secret's value is not repeated. */
  public static ConfigException invalid(Setting<?> setting, String value, String expected) {
    return invalid(setting.name(), setting.secret() ? "[hidden]" : value, expected);
  }

  public static ConfigException invalid(String name, String value, String expected) {
    return new ConfigException(name + "=" + value + " is invalid: expected " + expected);
  }

  /** The variable actually set (the setting's own name first, then its deprecated names in order) and its text. */
  private record Found(String name, String value) {}

  private Optional<Found> lookUp(Setting<?> setting) {
    ConfigRegistry.requireDeclared(setting);
    namesRead.add(setting.name());
    namesRead.addAll(setting.formerNames());
    Optional<Found> current = value(setting.name()).map(v -> new Found(setting.name(), v));
    Optional<Found> found = current;
    for (String former : setting.formerNames()) {
      Optional<String> old = value(former);
      if (old.isEmpty()) {
        continue;
      }
      formerNamesUsed.add(former);
      if (found.isPresent()) {
        warnOnce(former, "{} is deprecated and ignored: {} is set too and wins", former, found.get().name());
      } else {
        warnOnce(former, "{} is deprecated: rename it to {} (the old name still works for now)", former, setting.name());
        found = Optional.of(new Found(former, old.get()));
      }
    }
    return found;
  }

  private <T> T parse(Setting<T> setting, Found found) {
    try {
      return setting.type().parse(found.value());
    } catch (ConfigException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      String expected = setting.type().accepts() + (found.name().equals(setting.name()) ? ""
          : " (" + found.name() + " is the deprecated name of " + setting.name() + ")");
      throw invalid(found.name(), setting.secret() ? "[hidden]" : found.value(), expected);
    }
  }

  private Optional<String> value(String name) {
    String value = vars.get(name);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
  }

  private static void warnOnce(String former, String message, Object... args) {
    if (WARNED.add(former)) {
      LOG.warn(message, args);
    }
  }
}
