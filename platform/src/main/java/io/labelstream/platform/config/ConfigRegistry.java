package io.labelstream.platform.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every environment variable LabelStream reads, each declared once in the declaration class of its scope. {@link Env}
 * reads nothing else, and docs/configuration.md is rendered from it ({@link ConfigurationPage}).
 */
public final class ConfigRegistry {

  private static final Map<String, Setting<?>> BY_NAME = index();

  private ConfigRegistry() {}

  /** Every declared setting, by scope and then in declaration order. */
  public static List<Setting<?>> all() {
    return List.copyOf(BY_NAME.values());
  }

  public static List<Setting<?>> of(Scope scope) {
    return BY_NAME.values().stream().filter(s -> s.scope() == scope).toList();
  }

  public static Optional<Setting<?>> named(String name) {
    return Optional.ofNullable(BY_NAME.get(name));
  }

  /** Every deprecated name with the setting that replaced it. */
  public static Map<String, Setting<?>> formerNames() {
    Map<String, Setting<?>> formers = new LinkedHashMap<>();
    BY_NAME.values().forEach(s -> s.formerNames().forEach(old -> formers.put(old, s)));
    return Collections.unmodifiableMap(formers);
  }

  /** Refuses a setting that is not one of the declared ones, so an undeclared variable cannot be read. */
  static void requireDeclared(Setting<?> setting) {
    if (BY_NAME.get(setting.name()) != setting) {
      throw new IllegalStateException(setting.name() + " is not declared: declare it once in the declaration class "
          + "of its scope (io.labelstream.platform.config.*Variables) and regenerate docs/configuration.md");
    }
  }

  private static Map<String, Setting<?>> index() {
    List<Setting<?>> all = new ArrayList<>();
    all.addAll(SharedVariables.all());
    all.addAll(KafkaVariables.all());
    all.addAll(FrameStoreVariables.all());
    all.addAll(IngestVariables.all());
    all.addAll(InferenceVariables.all());
    all.addAll(ReviewVariables.all());
    all.addAll(LauncherVariables.all());
    all.addAll(ToolVariables.all());
    Map<String, Setting<?>> byName = new LinkedHashMap<>();
    for (Setting<?> setting : all) {
      for (String name : names(setting)) {
        if (byName.containsKey(name) || byName.values().stream().anyMatch(s -> s.formerNames().contains(name))) {
          throw new IllegalStateException(name + " is declared twice");
        }
      }
      byName.put(setting.name(), setting);
    }
    return Collections.unmodifiableMap(byName);
  }

  private static List<String> names(Setting<?> setting) {
    List<String> names = new ArrayList<>(setting.formerNames());
    names.add(setting.name());
    return names;
  }
}
