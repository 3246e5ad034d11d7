package io.labelstream.review.metrics;

import io.labelstream.review.queue.OpenTaskLimit;
import io.labelstream.review.queue.TaskQueue;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.function.IntSupplier;

/**
 * How full the review queue is against REVIEW_MAX_OPEN_TASKS, whether review requests wait in Kafka for room, and the
 * image bytes open tasks keep in memory (only gold tasks keep any).
 */
public final class IntakeMetrics implements MeterBinder {

  private final OpenTaskLimit limit;
  private final TaskQueue queue;
  private final IntSupplier pausedPartitions;

  /** @param pausedPartitions review request partitions the state reader has paused for want of room */
  public IntakeMetrics(OpenTaskLimit limit, TaskQueue queue, IntSupplier pausedPartitions) {
    this.limit = limit;
    this.queue = queue;
    this.pausedPartitions = pausedPartitions;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    Gauge.builder("labelstream.review.queue.open", limit, OpenTaskLimit::open)
        .description("Open review tasks made from review requests: what REVIEW_MAX_OPEN_TASKS bounds").register(registry);
    Gauge.builder("labelstream.review.queue.open.limit", limit, OpenTaskLimit::max)
        .description("REVIEW_MAX_OPEN_TASKS: review tasks open at once; further requests wait in Kafka")
        .register(registry);
    // Held strongly: the supplier is a method reference nothing else keeps, and a gauge only holds it weakly.
    Gauge.builder("labelstream.review.queue.intake.paused", pausedPartitions, p -> p.getAsInt() > 0 ? 1 : 0)
        .strongReference(true)
        .description("1 while review requests wait in Kafka because the queue is full, else 0").register(registry);
    Gauge.builder("labelstream.review.queue.image.bytes", queue, TaskQueue::heldImageBytes)
        .description("Image bytes open tasks keep in memory; the others' images are read from Kafka when shown")
        .baseUnit("bytes").register(registry);
  }
}
