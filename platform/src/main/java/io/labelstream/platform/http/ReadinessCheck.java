package io.labelstream.platform.http;

/** One condition a service needs before it can do its work, reported by {@code /readyz}. */
public interface ReadinessCheck {

  /** A short name shown in the readiness body, e.g. {@code kafka} or {@code model}. */
  String name();

  /** True when this condition holds now. Must be cheap: it runs on every probe. */
  boolean ready();

  static ReadinessCheck of(String name, java.util.function.BooleanSupplier ready) {
    return new ReadinessCheck() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public boolean ready() {
        return ready.getAsBoolean();
      }
    };
  }
}
