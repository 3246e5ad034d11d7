package io.labelstream.review.metrics;

import io.labelstream.review.queue.TaskQueue;
import io.labelstream.schemas.avro.ReviewDecision;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Domain meters of the review service: queue length, tasks in review, reviewers at work, claims, answers by decision,
 * releases and lease expiries.
 */
public final class ReviewMetrics implements MeterBinder {

  private final TaskQueue queue;
  private MeterRegistry registry;
  private Counter claimed;
  private Counter released;
  private Counter leaseExpired;

  public ReviewMetrics(TaskQueue queue) {
    this.queue = queue;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    this.registry = registry;
    Gauge.builder("labelstream.review.queue.length", queue, TaskQueue::openCount)
        .description("Open review tasks, leased or not").register(registry);
    Gauge.builder("labelstream.review.tasks.leased", queue, TaskQueue::leasedCount)
        .description("Open tasks leased to a reviewer now").register(registry);
    Gauge.builder("labelstream.review.reviewers.active", queue, TaskQueue::activeReviewerCount)
        .description("Reviewers holding a leased task now").register(registry);
    claimed = Counter.builder("labelstream.review.tasks.claimed").description("Tasks handed to reviewers").register(registry);
    released = Counter.builder("labelstream.review.tasks.released").description("Tasks given back").register(registry);
    leaseExpired = Counter.builder("labelstream.review.lease.expiries").description("Leases that ran out").register(registry);
  }

  public void claimed() {
    claimed.increment();
  }

  public void released() {
    released.increment();
  }

  public void leaseExpired() {
    if (leaseExpired != null) {
      leaseExpired.increment();
    }
  }

  public void submitted(ReviewDecision decision) {
    Counter.builder("labelstream.review.tasks.submitted").description("Answers written, by decision")
        .tag("decision", decision.name().toLowerCase(java.util.Locale.ROOT)).register(registry).increment();
  }
}
