package io.labelstream.platform.http;

import java.util.Map;

/** One condition a service needs before it can do its work, reported by {@code /readyz}. */
public interface ReadinessCheck {

  /** A short name shown in the readiness body, e.g. {@code kafka} or {@code model}. */
  String name();

  /** True when this condition holds now. Must be cheap: it runs on every probe. */
  boolean ready();

  /** What a probe should show beside the verdict (how far a long start-up has got); none by default. */
  default Map<String, Object> detail() {
    return Map.of();
  }

  static ReadinessCheck of(String name, java.util.function.BooleanSupplier ready) {
    return of(name, ready, Map::of);
  }

  /** A check that also shows {@code detail} in the probe's answer. */
  static ReadinessCheck of(String name, java.util.function.BooleanSupplier ready,
      java.util.function.Supplier<Map<String, Object>> detail) {
    return new ReadinessCheck() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public boolean ready() {
        return ready.getAsBoolean();
      }

      @Override
      public Map<String, Object> detail() {
        return detail.get();
      }
    };
  }
}
