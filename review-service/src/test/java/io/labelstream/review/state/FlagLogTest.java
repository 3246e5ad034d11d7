package io.labelstream.review.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelstream.review.ReviewFixtures;
import io.labelstream.schemas.avro.Flag;
import io.labelstream.schemas.avro.ReviewReason;
import io.labelstream.schemas.avro.ReviewRequest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class FlagLogTest {

  private static final Instant AT = Instant.parse("2026-12-06T07:00:00.5Z");

  private final FlagLog log = new FlagLog();

  @Test
  void aFlaggedRequestIsCountedOnceHoweverOftenItIsReadAndOthersNotAtAll() {
    log.requested(flagged("frame-1", "flag-1", AT));
    log.requested(flagged("frame-1", "flag-1", AT));
    log.requested(flagged("frame-1", "flag-2", AT.plusSeconds(60)));
    log.requested(ReviewRequest.newBuilder(flagged("frame-2", "t-2", AT)).setFlag(null).build());

    assertThat(log.flagsOf("frame-1")).isEqualTo(2);
    assertThat(log.flagsOf("frame-2")).isZero();
    assertThat(log.flags()).extracting(FlagLog.Flag::taskId).containsExactly("flag-2", "flag-1");
  }

  /** A flag read before a checkpoint still numbers the next flag of its frame after the restart. */
  @Test
  void flagsSurviveTheCheckpoint() throws Exception {
    log.requested(flagged("frame-1", "flag-1", AT));
    log.flagged(new FlagLog.Flag("frame-2", "flag-9", "the bag is a shoe · 鞋", "ada", AT.plusNanos(7)));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    log.save(new DataOutputStream(bytes));

    FlagLog restored = new FlagLog();
    restored.restore(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));

    assertThat(restored.flags()).isEqualTo(log.flags()).hasSize(2);
    assertThat(restored.flagsOf("frame-1")).isEqualTo(1);
  }

  private static ReviewRequest flagged(String frameId, String taskId, Instant at) {
    return ReviewRequest.newBuilder(ReviewFixtures.request(frameId, "Bag", 0.9, 0)).setTaskId(taskId)
        .setReason(ReviewReason.FLAGGED).setPriority(1.0).setRequestedAt(at)
        .setFlag(Flag.newBuilder().setFlaggedBy("ada").setReason("wrong").setFlaggedAt(at).setPreviousLabel("Bag")
            .setPreviousSource("MODEL").build())
        .build();
  }
}
