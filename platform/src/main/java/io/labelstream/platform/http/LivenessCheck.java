package io.labelstream.platform.http;

import java.util.function.BooleanSupplier;

/**
 * One part of a service that must keep running for the service to be of any use, reported by {@code /healthz}: when
 * it has stopped, only a restart brings it back, so the orchestrator should restart the process.
 */
public interface LivenessCheck {

  /** A short name shown in the health body, e.g. {@code worker}. */
  String name();

  /** True while this part is running. Must be cheap: it runs on every probe. */
  boolean alive();

  static LivenessCheck of(String name, BooleanSupplier alive) {
    return new LivenessCheck() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public boolean alive() {
        return alive.getAsBoolean();
      }
    };
  }

  /** Alive while {@code thread} runs: a service's long-running loop (a Kafka consumer, a worker). */
  static LivenessCheck thread(String name, Thread thread) {
    return of(name, thread::isAlive);
  }
}
