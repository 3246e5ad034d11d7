package io.labelstream.inference.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;

/** Domain meters of the inference worker: routing split, dead letters, batch size and model time. */
public final class InferenceMetrics implements MeterBinder {

  private Counter modelLabelled;
  private Counter sentToReview;
  private Counter deadLettered;
  private Counter audited;
  private DistributionSummary batchSize;
  private Timer modelTime;

  @Override
  public void bindTo(MeterRegistry registry) {
    modelLabelled = routed(registry, "model_label");
    sentToReview = routed(registry, "review");
    audited = Counter.builder("labelstream.inference.frames.audited")
        .description("Model-labelled frames also sent to people as blind audits").register(registry);
    deadLettered = Counter.builder("labelstream.inference.frames.dead.lettered")
        .description("Frames that could not be decoded or run, sent to frames.v1.dlq").register(registry);
    batchSize = DistributionSummary.builder("labelstream.inference.batch.size")
        .description("Frames per model call").register(registry);
    modelTime = Timer.builder("labelstream.inference.model.time")
        .description("ONNX Runtime time per batch").register(registry);
  }

  private static Counter routed(MeterRegistry registry, String destination) {
    return Counter.builder("labelstream.inference.frames.routed")
        .description("Frames routed, by destination")
        .tag("destination", destination)
        .register(registry);
  }

  public void modelLabelled() {
    modelLabelled.increment();
  }

  public void sentToReview() {
    sentToReview.increment();
  }

  public void audited() {
    audited.increment();
  }

  public void deadLettered() {
    deadLettered.increment();
  }

  public void batch(int size, long nanos) {
    batchSize.record(size);
    modelTime.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }
}
