package io.labelstream.review.metrics;

import io.labelstream.review.queue.TaskQueue;
import io.labelstream.schemas.avro.ReviewDecision;
import io.labelstream.schemas.avro.ReviewReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;

/**
 * Domain meters of the review service: queue length, leases held, active reviewers, claims, answers by decision,
 * releases and lease expiries.
 */
public final class ReviewMetrics implements MeterBinder {

  private final TaskQueue queue;
  private final ActiveReviewers activeReviewers;
  private MeterRegistry registry;
  private Counter claimed;
  private Counter released;
  private Counter leaseExpired;

  public ReviewMetrics(TaskQueue queue, Clock clock) {
    this.queue = queue;
    this.activeReviewers = new ActiveReviewers(clock);
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    this.registry = registry;
    Gauge.builder("labelstream.review.queue.length", queue, TaskQueue::openCount)
        .description("Open review tasks, leased or not").register(registry);
    Gauge.builder("labelstream.review.leases.active", queue, TaskQueue::leasedCount)
        .description("Tasks a reviewer holds right now").register(registry);
    Gauge.builder("labelstream.review.reviewers.active", activeReviewers, ActiveReviewers::count)
        .description("Reviewers who asked for or answered a task in the last 5 minutes").register(registry);
    claimed = Counter.builder("labelstream.review.tasks.claimed").description("Tasks handed to reviewers").register(registry);
    released = Counter.builder("labelstream.review.tasks.released").description("Tasks given back").register(registry);
    leaseExpired = Counter.builder("labelstream.review.lease.expiries").description("Leases that ran out").register(registry);
  }

  public ActiveReviewers activeReviewers() {
    return activeReviewers;
  }

  /** A reviewer asked for work; {@code gotTask} is false when the queue had nothing for them. */
  public void askedForTask(String reviewer, boolean gotTask) {
    activeReviewers.seen(reviewer);
    if (gotTask) {
      claimed.increment();
    }
  }

  public void released() {
    released.increment();
  }

  public void leaseExpired() {
    if (leaseExpired != null) {
      leaseExpired.increment();
    }
  }

  /**
   * An answer written. Its decision is a tag only for tasks that showed the model's suggestion: for a blind audit or a
   * gold task it is tagged {@code blind}, because this unauthenticated counter would otherwise tell the reviewer whether
   * they agreed with the hidden model label.
   */
  public void submitted(String reviewer, ReviewReason reason, ReviewDecision decision) {
    activeReviewers.seen(reviewer);
    boolean blind = reason == ReviewReason.AUDIT || reason == ReviewReason.GOLD;
    Counter.builder("labelstream.review.tasks.submitted").description("Answers written, by decision (blind: audits)")
        .tag("decision", blind ? "blind" : decision.name().toLowerCase(java.util.Locale.ROOT)).register(registry)
        .increment();
  }
}
