package io.labelstream.ingest.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/** Domain meters of the ingest service: frames accepted, rejected by reason, and answered as duplicates. */
public final class IngestMetrics implements MeterBinder {

  private MeterRegistry registry;
  private Counter accepted;
  private Counter duplicates;
  private DistributionSummary frameBytes;

  @Override
  public void bindTo(MeterRegistry registry) {
    this.registry = registry;
    this.accepted = Counter.builder("labelstream.ingest.frames.accepted")
        .description("Frames acknowledged by Kafka and answered 202").register(registry);
    this.duplicates = Counter.builder("labelstream.ingest.frames.duplicate")
        .description("Retries answered from an earlier write of the same Idempotency-Key").register(registry);
    this.frameBytes = DistributionSummary.builder("labelstream.ingest.frame.size").baseUnit("bytes")
        .description("Size of accepted images").register(registry);
  }

  public void accepted(int bytes) {
    accepted.increment();
    frameBytes.record(bytes);
  }

  public void duplicate() {
    duplicates.increment();
  }

  public void rejected(String reason) {
    Counter.builder("labelstream.ingest.frames.rejected")
        .description("Requests refused, by error code")
        .tag("reason", reason)
        .register(registry)
        .increment();
  }
}
