package io.labelstream.review.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelstream.platform.config.Env;
import io.labelstream.platform.kafka.KafkaSettings;
import io.labelstream.platform.store.FileFrameStore;
import io.labelstream.review.ReviewFixtures;
import io.labelstream.review.http.FlagRequests;
import io.labelstream.review.images.FrameImages;
import io.labelstream.review.images.StoredImage;
import io.labelstream.review.partitioned.FrameHistory;
import io.labelstream.review.policy.LabelRecall.Outcome;
import io.labelstream.review.policy.regime.DriftEvent;
import io.labelstream.review.queue.QueueOrder;
import io.labelstream.review.queue.ReviewTask;
import io.labelstream.review.queue.TaskQueue;
import io.labelstream.review.state.FlagLog;
import io.labelstream.review.state.RecordFetcher;
import io.labelstream.schemas.avro.ImageRef;
import io.labelstream.schemas.avro.Label;
import io.labelstream.schemas.avro.LabelSource;
import io.labelstream.schemas.avro.ReviewReason;
import io.labelstream.schemas.avro.ReviewRequest;
import io.labelstream.testsupport.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recall's rules on the real queue, labels, frame histories and a frame store in a folder; only the leader's
 * Kafka write is a list. Every frame's image is in the store, so nothing here reads Kafka.
 */
class LabelRecallTest {

  private static final DriftEvent BRIGHTNESS = new DriftEvent(1, "truck-a/front", "brightness", "down", 1_130, 1_110, 5);

  @TempDir
  Path folder;

  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-03T05:00:00Z"));
  private final TaskQueue queue = new TaskQueue(clock, Duration.ofSeconds(60), QueueOrder.UNCERTAINTY, "test",
      lease -> { }, lease -> { });
  private final Map<String, Label> labels = new java.util.HashMap<>();
  private final Map<String, FrameHistory> histories = new java.util.HashMap<>();
  private final FlagLog flagLog = new FlagLog();
  private final List<ReviewRequest> written = new ArrayList<>();
  private FileFrameStore store;
  private LabelRecall recall;

  @BeforeEach
  void setUp() {
    store = new FileFrameStore(folder);
    // never reached: every frame here has its image in the store and no prediction position
    RecordFetcher noKafka = new RecordFetcher(KafkaSettings.from(new Env(Map.of("KAFKA_BOOTSTRAP_SERVERS",
        "127.0.0.1:9"))), "test");
    FlagRequests flags = new FlagRequests(queue, written::add,
        frameId -> java.util.Optional.ofNullable(histories.get(frameId)), flagLog, noKafka,
        new FrameImages(java.util.Optional.of(store)), clock);
    recall = new LabelRecall(flags, frameId -> java.util.Optional.ofNullable(labels.get(frameId)), clock);
  }

  @Test
  void shouldSendBackOnlyModelLabelsWithoutAnOpenTaskAndGoOnPastAFrameWhoseImageIsGone() throws Exception {
    labelled("m1", LabelSource.MODEL);
    labelled("h1", LabelSource.HUMAN); // answered by people since
    labelled("o1", LabelSource.MODEL);
    queue.offer(new ReviewTask("audit-o1", "o1", ReviewReason.AUDIT, 0.5, "red", 0.99, "image/png", new byte[] {1},
        clock.instant()));
    ImageRef gone = labelled("g1", LabelSource.MODEL);
    store.delete(gone.getKey());
    labelled("m2", LabelSource.MODEL);

    recall.recall(BRIGHTNESS, List.of("m1", "h1", "o1", "g1", "m2"));
    recall.pass(false);
    assertThat(written).as("a follower leaves the queue to the leader").isEmpty();
    recall.pass(true);

    assertThat(written).extracting(ReviewRequest::getFrameId).containsExactly("m1", "m2");
    ReviewRequest first = written.get(0);
    assertThat(first.getReason()).isEqualTo(ReviewReason.FLAGGED);
    assertThat(first.getPriority()).isEqualTo(1.0);
    assertThat(first.getFlag().getFlaggedBy()).isEqualTo(LabelRecall.FLAGGED_BY).isEqualTo("labelstream-drift");
    assertThat(first.getFlag().getReason()).isEqualTo("drift: brightness down on truck-a/front since frame 1,110 (regime 1)");
    assertThat(first.getFlag().getPreviousSource()).isEqualTo("MODEL");
    assertThat(queue.openTaskOfFrame("m1")).get().extracting(ReviewTask::reason).isEqualTo(ReviewReason.FLAGGED);
    assertThat(queue.openTaskOfFrame("h1")).isEmpty();
    assertThat(queue.openTaskOfFrame("o1")).get().extracting(ReviewTask::taskId).isEqualTo("audit-o1");
    assertThat(flagLog.flags()).hasSize(2);
    assertThat(recall.count(Outcome.SENT)).isEqualTo(2);
    assertThat(recall.count(Outcome.SKIPPED)).isEqualTo(2);
    assertThat(recall.count(Outcome.FAILED)).isEqualTo(1);

    // a restarted instance replays the stream and detects the same change: nothing goes back twice
    recall.recall(BRIGHTNESS, List.of("m1", "h1", "o1", "m2"));
    recall.pass(true);
    assertThat(written).hasSize(2);
    assertThat(recall.count(Outcome.SKIPPED)).isEqualTo(6);
  }

  @Test
  void shouldWaitForALabelThatHasNotArrivedAndDropItAfterTheBound() throws Exception {
    recall.recall(BRIGHTNESS, List.of("late", "never"));
    recall.pass(true);
    assertThat(written).isEmpty();

    labelled("late", LabelSource.MODEL);
    clock.advance(LabelRecall.RETRY_EVERY);
    recall.pass(true);
    assertThat(written).extracting(ReviewRequest::getFrameId).containsExactly("late");

    clock.advance(LabelRecall.WAIT_FOR_LABEL.minus(LabelRecall.RETRY_EVERY));
    recall.pass(true);
    assertThat(recall.count(Outcome.DROPPED)).as("still within the bound").isZero();
    clock.advance(LabelRecall.RETRY_EVERY);
    recall.pass(true);
    assertThat(recall.count(Outcome.DROPPED)).isEqualTo(1);

    labelled("never", LabelSource.MODEL);
    recall.pass(true);
    assertThat(written).as("dropped for good").hasSize(1);
  }

  @Test
  void shouldForgetRecallsOnAFollowerAfterTheBoundWithoutCountingThem() throws Exception {
    labelled("m1", LabelSource.MODEL);
    recall.recall(BRIGHTNESS, List.of("m1"));
    clock.advance(LabelRecall.WAIT_FOR_LABEL.plus(LabelRecall.RETRY_EVERY));
    recall.pass(false);
    recall.pass(true);

    assertThat(written).as("the leader of the time sent it").isEmpty();
    assertThat(recall.count(Outcome.DROPPED)).isZero();
  }

  /** A final label of {@code frameId}, its image in the store. */
  private ImageRef labelled(String frameId, LabelSource source) throws Exception {
    ImageRef ref = store.put(ReviewFixtures.samplePng(frameId.hashCode() & 0xff), "image/png");
    histories.put(frameId, new FrameHistory(List.of(), null, null, StoredImage.of(ref)));
    labels.put(frameId, Label.newBuilder().setFrameId(frameId).setLabel("red").setClassIndex(0).setSource(source)
        .setConfidence(source == LabelSource.MODEL ? 0.99 : null)
        .setModelName(source == LabelSource.MODEL ? "colours" : null)
        .setModelVersion(source == LabelSource.MODEL ? "1.0.0" : null)
        .setReviewerIds(source == LabelSource.MODEL ? List.of() : List.of("ada"))
        .setLabelledAt(clock.instant()).build());
    return ref;
  }
}
