package io.labelstream.schemas;

import io.labelstream.schemas.avro.DatasetSnapshot;
import io.labelstream.schemas.avro.DeadLetter;
import io.labelstream.schemas.avro.Frame;
import io.labelstream.schemas.avro.GoldFrame;
import io.labelstream.schemas.avro.Label;
import io.labelstream.schemas.avro.Policy;
import io.labelstream.schemas.avro.Prediction;
import io.labelstream.schemas.avro.ReviewLeader;
import io.labelstream.schemas.avro.ReviewRequest;
import io.labelstream.schemas.avro.ReviewResult;
import io.labelstream.schemas.avro.TaskLease;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The one registry of LabelStream topics. Every record about a frame is keyed by frameId, so everything about one frame lives
 * in one partition, in order. A breaking schema change is a new topic version; a compatible one is a new schema.
 */
public final class Topics {

  /** Keys are strings: the frameId, or the model name on the policy topic, or a dataset id on the dataset topics. */
  private static final Serde<String> FRAME_ID = Serdes.String();

  public static final Topic<String, Frame> FRAMES =
      new Topic<>("frames.v1", FRAME_ID, AvroSerde.of(Frame.class), false, true);
  public static final Topic<String, Prediction> PREDICTIONS =
      new Topic<>("predictions.v1", FRAME_ID, AvroSerde.of(Prediction.class), false, false);
  public static final Topic<String, ReviewRequest> REVIEW_REQUESTS =
      new Topic<>("review.requests.v1", FRAME_ID, AvroSerde.of(ReviewRequest.class), false, true);
  public static final Topic<String, ReviewResult> REVIEW_RESULTS =
      new Topic<>("review.results.v1", FRAME_ID, AvroSerde.of(ReviewResult.class), false, false);
  public static final Topic<String, Label> LABELS =
      new Topic<>("labels.v1", FRAME_ID, AvroSerde.of(Label.class), true, false);

  /** Who holds each open review task and until when: the queue's leases, compacted per frame. */
  public static final Topic<String, TaskLease> REVIEW_LEASES =
      new Topic<>("review.leases.v1", FRAME_ID, AvroSerde.of(TaskLease.class), true, false);
  /**
   * The review queue's leader. One partition: the review instance its consumer group assigns it to runs the queue,
   * and the group's generation fences a leader that lost it. Keyed by the constant {@code leader}.
   */
  public static final Topic<String, ReviewLeader> REVIEW_LEADER =
      new Topic<>("review.leader.v1", FRAME_ID, AvroSerde.of(ReviewLeader.class), true, false, 1);

  /** Frames with known labels that admins loaded to measure reviewers, compacted by gold id. */
  public static final Topic<String, GoldFrame> REVIEW_GOLD =
      new Topic<>("review.gold.v1", FRAME_ID, AvroSerde.of(GoldFrame.class), true, true);

  /** The routing policy, compacted and keyed by model name: what every inference worker applies. */
  public static final Topic<String, Policy> POLICY =
      new Topic<>("policy.v1", FRAME_ID, AvroSerde.of(Policy.class), true, false);

  /** Dataset snapshots (versions), compacted and keyed by dataset id: what {@code GET /v1/datasets} lists. */
  public static final Topic<String, DatasetSnapshot> DATASETS =
      new Topic<>("datasets.v1", FRAME_ID, AvroSerde.of(DatasetSnapshot.class), true, false);
  /**
   * The labels of every dataset snapshot, copied from labels.v1 when the snapshot is made, keyed
   * {@code <datasetId>/<frameId>}. Compacted only so that nothing ages out: every key is unique, so compaction
   * never removes a record (a snapshot can later be deleted with tombstones for its keys).
   */
  public static final Topic<String, Label> DATASET_LABELS =
      new Topic<>("datasets.labels.v1", FRAME_ID, AvroSerde.of(Label.class), true, false);

  /** Dead letters of the inference stage (it consumes frames). They keep the original frame bytes. */
  public static final Topic<String, DeadLetter> FRAMES_DLQ = deadLetters(FRAMES);
  /** Dead letters of the review stage (it consumes review requests). */
  public static final Topic<String, DeadLetter> REVIEW_REQUESTS_DLQ = deadLetters(REVIEW_REQUESTS);

  private Topics() {}

  public static List<Topic<?, ?>> all() {
    return List.of(FRAMES, PREDICTIONS, REVIEW_REQUESTS, REVIEW_RESULTS, REVIEW_LEASES, REVIEW_LEADER, REVIEW_GOLD, LABELS,
        POLICY, DATASETS, DATASET_LABELS, FRAMES_DLQ, REVIEW_REQUESTS_DLQ);
  }

  public static List<Topic<String, DeadLetter>> deadLetterTopics() {
    return List.of(FRAMES_DLQ, REVIEW_REQUESTS_DLQ);
  }

  private static Topic<String, DeadLetter> deadLetters(Topic<?, ?> source) {
    return new Topic<>(source.name() + ".dlq", FRAME_ID, AvroSerde.of(DeadLetter.class), false, source.carriesImages());
  }
}
