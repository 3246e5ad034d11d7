package io.labelstream.review.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelstream.review.queue.QueueOrder;
import io.labelstream.review.queue.ReviewTask;
import io.labelstream.review.queue.TaskQueue;
import io.labelstream.schemas.avro.ReviewReason;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ReviewMetricsTest {

  private final Clock clock = Clock.fixed(Instant.parse("2026-11-26T10:00:00Z"), ZoneOffset.UTC);
  private final TaskQueue queue = new TaskQueue(clock, Duration.ofSeconds(60), QueueOrder.UNCERTAINTY, "test",
      lease -> { }, lease -> { });
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @Test
  void shouldShowTheQueueTheTasksInReviewAndTheReviewersAtWork() {
    ReviewMetrics metrics = new ReviewMetrics(queue, clock);
    metrics.bindTo(registry);
    for (String id : new String[] {"a", "b", "c"}) {
      queue.offer(new ReviewTask(id, "f-" + id, ReviewReason.LOW_CONFIDENCE, 0.5, "Coat", 0.5, "image/png", new byte[] {1},
          clock.instant()));
    }
    queue.claim("ada");
    metrics.askedForTask("ada", true);
    queue.claim("ada");
    metrics.askedForTask("ada", true);

    assertThat(registry.get("labelstream.review.queue.length").gauge().value()).isEqualTo(3);
    assertThat(registry.get("labelstream.review.leases.active").gauge().value()).isEqualTo(2);
    assertThat(registry.get("labelstream.review.reviewers.active").gauge().value()).isEqualTo(1);
  }
}
