package io.labelstream.review.queue;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelstream.review.ReviewFixtures;
import io.labelstream.schemas.Topics;
import io.labelstream.schemas.avro.Flag;
import io.labelstream.schemas.avro.ReviewReason;
import io.labelstream.schemas.avro.ReviewRequest;
import io.labelstream.schemas.avro.ReviewResult;
import io.labelstream.schemas.avro.ReviewDecision;
import io.labelstream.schemas.avro.TaskLease;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class OpenTaskLimitTest {

  private final Clock clock = Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC);
  private final TaskQueue queue = new TaskQueue(clock, Duration.ofSeconds(60), QueueOrder.FIFO, "test", lease -> {},
      lease -> {});
  private final OpenTaskLimit limit = new OpenTaskLimit(queue, 2);
  private long offset;

  @Test
  void shouldRefuseARequestFromAFloodingSenderOnceTheLimitIsReachedUntilAnAnswerMakesRoom() {
    ReviewRequest first = offerIfAdmitted();
    offerIfAdmitted();
    ReviewRequest third = request();

    assertThat(limit.admits(third)).isFalse();
    assertThat(limit.hasRoom()).isFalse();
    queue.answered(answer(first));
    assertThat(limit.hasRoom()).isTrue();
    assertThat(limit.admits(third)).isTrue();
  }

  @Test
  void shouldAdmitARepeatOrAnAnsweredRequestWhenFullBecauseItTakesNoRoom() {
    ReviewRequest first = offerIfAdmitted();
    ReviewRequest second = offerIfAdmitted();
    queue.answered(answer(first));
    offerIfAdmitted();

    assertThat(limit.admits(second)).as("a repeat").isTrue();
    assertThat(limit.admits(first)).as("already answered").isTrue();
    assertThat(queue.requestedCount()).isEqualTo(2);
  }

  @Test
  void shouldAdmitAFlaggedFrameAboveTheLimitBecauseTheLeaderOpenedItWhenItWasFlagged() {
    offerIfAdmitted();
    offerIfAdmitted();
    ReviewRequest flagged = request();
    flagged.setReason(ReviewReason.FLAGGED);
    flagged.setFlag(Flag.newBuilder().setFlaggedBy("ada").setReason("a shoe").setFlaggedAt(clock.instant())
        .setPreviousLabel("Coat").setPreviousSource("MODEL").build());

    assertThat(limit.admits(flagged)).isTrue();
    assertThat(limit.admits(request())).isFalse();
  }

  @Test
  void shouldTakeRequestsInAboveTheLimitWhileAReviewerHoldsATaskThisInstanceHasNotReadYet() {
    offerIfAdmitted();
    offerIfAdmitted();
    ReviewRequest heldElsewhere = request();
    queue.leaseRecorded(TaskLease.newBuilder().setTaskId(heldElsewhere.getTaskId()).setFrameId(heldElsewhere.getFrameId())
        .setVersion(1).setReviewerId("ada").setClaimedAt(clock.instant()).setExpiresAt(clock.instant().plusSeconds(60))
        .setWrittenBy("old-leader").setWrittenAt(clock.instant()).build());

    assertThat(limit.hasRoom()).isTrue();
    queue.offer(ReviewTask.read(record(), heldElsewhere));
    assertThat(queue.leases()).extracting(Lease::reviewer).containsExactly("ada");
    assertThat(limit.hasRoom()).isFalse();
  }

  private ReviewRequest offerIfAdmitted() {
    ReviewRequest request = request();
    assertThat(limit.admits(request)).isTrue();
    queue.offer(ReviewTask.read(record(), request));
    return request;
  }

  private ReviewRequest request() {
    return ReviewFixtures.request(ReviewFixtures.newFrameId(), "Coat", 0.3, 1);
  }

  private ConsumerRecord<String, byte[]> record() {
    return new ConsumerRecord<>(Topics.REVIEW_REQUESTS.name(), 0, offset++, "key", new byte[0]);
  }

  private ReviewResult answer(ReviewRequest request) {
    return ReviewResult.newBuilder().setTaskId(request.getTaskId()).setFrameId(request.getFrameId()).setReviewerId("ada")
        .setLabel("Coat").setClassIndex(4).setDecision(ReviewDecision.ACCEPTED).setTimeSpentMs(5)
        .setSubmittedAt(clock.instant()).build();
  }
}
