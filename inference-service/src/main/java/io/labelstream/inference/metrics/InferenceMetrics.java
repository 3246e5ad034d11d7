package io.labelstream.inference.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Domain meters of the inference worker: routing split, dead letters, batch size, model and decode time, frames
 * committed, end-to-end latency (ingest to committed routing decision), consumer lag per partition, and whether the
 * frame store answers and how often the worker paused for it. The store's own calls are counted and timed by
 * operation and outcome by the platform's {@code MeteredFrameStore} ({@code labelstream_frame_store_*}), the same
 * meters in every service.
 */
public final class InferenceMetrics implements MeterBinder {

  private final java.util.Map<Integer, Long> lagByPartition = new java.util.concurrent.ConcurrentHashMap<>();
  private MeterRegistry registry;
  private Timer decodeTime;
  private Timer endToEnd;
  private Counter committed;
  private Timer commitTime;

  private Counter modelLabelled;
  private Counter sentToReview;
  private Counter deadLettered;
  private Counter audited;
  private DistributionSummary batchSize;
  private Timer modelTime;
  private Counter storePauses;

  @Override
  public void bindTo(MeterRegistry registry) {
    this.registry = registry;
    decodeTime = Timer.builder("labelstream.inference.decode.time")
        .description("Time to deserialise one frame, get its image (inline, or from the frame store) and decode it")
        .register(registry);
    endToEnd = Timer.builder("labelstream.inference.e2e.latency")
        .description("From ingest to the committed routing decision, per frame")
        .publishPercentiles(0.5, 0.99).register(registry);
    commitTime = Timer.builder("labelstream.inference.commit.time")
        .description("Time to write a batch's outputs and commit them with its offsets").register(registry);
    committed = Counter.builder("labelstream.inference.frames.committed")
        .description("Frames whose routing decision was committed (rate = frames/s)").register(registry);
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
    storePauses = Counter.builder("labelstream.inference.store.pauses")
        .description("Times the worker paused consumption because the frame store did not answer").register(registry);
  }

  /**
   * Whether the frame store answered the last call made to it (1) or not (0); registered only when a store is
   * configured.
   */
  public void frameStore(java.util.function.BooleanSupplier available) {
    io.micrometer.core.instrument.Gauge.builder("labelstream.inference.store.available",
            () -> available.getAsBoolean() ? 1 : 0)
        .description("1 while the frame store answers, 0 from a call that found it down until one that reached it")
        .register(registry);
  }

  /** The worker paused consumption for a store outage: the batch is retried, nothing skipped or dead-lettered. */
  public void storePaused() {
    storePauses.increment();
  }

  /**
   * Which JPEG decoder this worker uses, as a gauge of 1 tagged with its name: a worker without libjpeg-turbo decodes
   * camera frames about three times slower (docs/performance.md), and nothing else would show it.
   */
  public void jpegDecoder(String name) {
    io.micrometer.core.instrument.Gauge.builder("labelstream.inference.jpeg.decoder", () -> 1)
        .description("The JPEG decoder in use (libjpeg-turbo, or ImageIO when libturbojpeg is missing)")
        .tag("decoder", name).register(registry);
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

  public void decoded(long nanos) {
    decodeTime.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  /** The routing decisions of a batch became visible downstream, {@code nanos} after the commit began. */
  public void committed(java.util.List<java.time.Instant> ingestedAt, long nanos) {
    commitTime.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    java.time.Instant now = java.time.Instant.now();
    committed.increment(ingestedAt.size());
    for (java.time.Instant at : ingestedAt) {
      endToEnd.record(java.time.Duration.between(at, now));
    }
  }

  /** Frames not yet consumed in one partition of frames.v1, as this worker last saw it. */
  public void lag(int partition, long lag) {
    if (lagByPartition.put(partition, lag) == null && registry != null) {
      io.micrometer.core.instrument.Gauge.builder("labelstream.inference.consumer.lag",
              lagByPartition, m -> m.getOrDefault(partition, 0L).doubleValue())
          .description("Frames waiting in frames.v1 per partition owned by this worker")
          .tag("partition", Integer.toString(partition)).register(registry);
    }
  }

  /** The partition moved to another worker: its lag is no longer this worker's. */
  public void lagGone(int partition) {
    lagByPartition.replace(partition, 0L);
  }

  public void batch(int size, long nanos) {
    batchSize.record(size);
    modelTime.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }
}
