package io.labelstream.review.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labelstream.platform.http.ApiException;
import io.labelstream.schemas.avro.ReviewDecision;
import io.labelstream.schemas.avro.ReviewReason;
import io.labelstream.schemas.avro.ReviewResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TaskQueueTest {

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T10:00:00Z"));
  private final List<Lease> expired = new ArrayList<>();
  private final TaskQueue queue = new TaskQueue(clock, Duration.ofSeconds(60), expired::add);

  @Test
  void shouldHandOutTheMostUncertainTaskFirst() {
    queue.offer(task("a", 0.2));
    queue.offer(task("b", 0.7));
    queue.offer(task("c", 0.4));

    assertThat(queue.claim("ada").orElseThrow().task().taskId()).isEqualTo("b");
    assertThat(queue.claim("ada").orElseThrow().task().taskId()).isEqualTo("c");
    assertThat(queue.claim("ada").orElseThrow().task().taskId()).isEqualTo("a");
    assertThat(queue.claim("ada")).isEmpty();
  }

  @Test
  void shouldNotOfferALeasedTaskToAnyoneElseUntilTheLeaseEnds() {
    queue.offer(task("a", 0.5));
    assertThat(queue.claim("ada")).isPresent();

    assertThat(queue.claim("bob")).isEmpty();
    clock.advance(Duration.ofSeconds(60));

    Claim reoffered = queue.claim("bob").orElseThrow();
    assertThat(reoffered.task().taskId()).isEqualTo("a");
    assertThat(reoffered.lease().reviewer()).isEqualTo("bob");
    assertThat(expired).extracting(Lease::reviewer).containsExactly("ada");
  }

  @Test
  void shouldCountEachReviewerHoldingALiveLeaseOnce() {
    queue.offer(task("a", 0.5));
    queue.offer(task("b", 0.4));
    queue.offer(task("c", 0.3));
    queue.claim("ada");
    queue.claim("ada");
    clock.advance(Duration.ofSeconds(30));
    queue.claim("bob");

    assertThat(queue.activeReviewerCount()).isEqualTo(2);
    clock.advance(Duration.ofSeconds(30));
    assertThat(queue.activeReviewerCount()).isEqualTo(1);
    assertThat(queue.leasedCount()).isEqualTo(1);
  }

  @Test
  void shouldRefuseASubmitFromAnyoneButTheLeaseHolderAndWriteNothing() {
    queue.offer(task("a", 0.5));
    queue.claim("ada");
    AtomicInteger writes = new AtomicInteger();

    assertThatThrownBy(() -> queue.submit("a", "bob", "Bag", (t, l) -> result(t, "bob", "Bag", writes)))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(409));
    clock.advance(Duration.ofSeconds(61));
    assertThatThrownBy(() -> queue.submit("a", "ada", "Bag", (t, l) -> result(t, "ada", "Bag", writes)))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo("lease_not_held"));
    assertThat(writes).hasValue(0);
  }

  @Test
  void shouldTreatTheSameAnswerTwiceAsOneAndADifferentLaterAnswerAsAConflict() {
    queue.offer(task("a", 0.5));
    queue.claim("ada");
    AtomicInteger writes = new AtomicInteger();

    TaskQueue.Submitted first = queue.submit("a", "ada", "Bag", (t, l) -> result(t, "ada", "Bag", writes));
    TaskQueue.Submitted again = queue.submit("a", "ada", "Bag", (t, l) -> result(t, "ada", "Bag", writes));

    assertThat(first.repeated()).isFalse();
    assertThat(again.repeated()).isTrue();
    assertThat(again.result()).isEqualTo(first.result());
    assertThat(writes).hasValue(1);
    assertThat(queue.openCount()).isZero();
    assertThatThrownBy(() -> queue.submit("a", "ada", "Coat", (t, l) -> result(t, "ada", "Coat", writes)))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo("already_answered"));
  }

  @Test
  void shouldAnswer404ForAnUnknownTask() {
    assertThatThrownBy(() -> queue.submit("nope", "ada", "Bag", (t, l) -> null))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(404));
  }

  @Test
  void shouldOfferAReleasedTaskAgainAndIgnoreRequestsAlreadyAnswered() {
    queue.offer(task("a", 0.5));
    queue.claim("ada");
    queue.release("a", "ada");
    assertThat(queue.claim("bob").orElseThrow().task().taskId()).isEqualTo("a");

    queue.answered(ReviewResult.newBuilder().setTaskId("z").setFrameId("f-z").setReviewerId("ada").setLabel("Bag")
        .setClassIndex(8).setDecision(ReviewDecision.ACCEPTED).setTimeSpentMs(1).setSubmittedAt(clock.instant()).build());
    queue.offer(task("z", 0.9));
    assertThat(queue.openCount()).isEqualTo(1);
  }

  private ReviewResult result(ReviewTask task, String reviewer, String label, AtomicInteger writes) {
    writes.incrementAndGet();
    return ReviewResult.newBuilder().setTaskId(task.taskId()).setFrameId(task.frameId()).setReviewerId(reviewer)
        .setLabel(label).setClassIndex(8).setDecision(ReviewDecision.CORRECTED).setTimeSpentMs(5)
        .setSubmittedAt(clock.instant()).build();
  }

  private ReviewTask task(String id, double priority) {
    return new ReviewTask(id, "f-" + id, ReviewReason.LOW_CONFIDENCE, priority, "Coat", 1 - priority, "image/png",
        new byte[] {1}, clock.instant());
  }

  static final class MutableClock extends Clock {
    private Instant now;

    MutableClock(Instant start) {
      this.now = start;
    }

    void advance(Duration duration) {
      now = now.plus(duration);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
