package io.labelstream.platform.config;

import java.util.ArrayList;
import java.util.List;

/** The settings one declaration class declares, in declaration order, all of one {@link Scope}. */
final class Declarations {

  private final Scope scope;
  private final List<Setting<?>> declared = new ArrayList<>();

  Declarations(Scope scope) {
    this.scope = scope;
  }

  Scope scope() {
    return scope;
  }

  <T> Setting.Builder<T> variable(String name, ValueType<T> type) {
    return new Setting.Builder<>(this, name, type);
  }

  <T> Setting<T> add(Setting<T> setting) {
    declared.add(setting);
    return setting;
  }

  List<Setting<?>> all() {
    return List.copyOf(declared);
  }
}
