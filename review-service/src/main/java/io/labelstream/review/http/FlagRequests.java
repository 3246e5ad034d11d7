package io.labelstream.review.http;

import io.labelstream.platform.http.ApiException;
import io.labelstream.review.images.FrameImages;
import io.labelstream.review.images.StoredImage;
import io.labelstream.review.partitioned.FrameHistory;
import io.labelstream.review.partitioned.FrameStateUnavailable;
import io.labelstream.review.queue.ReviewTask;
import io.labelstream.review.queue.TaskImage;
import io.labelstream.review.queue.TaskQueue;
import io.labelstream.review.state.FlagLog;
import io.labelstream.review.state.RecordFetcher;
import io.labelstream.schemas.TaskIds;
import io.labelstream.schemas.Topics;
import io.labelstream.schemas.avro.ClassProbability;
import io.labelstream.schemas.avro.Flag;
import io.labelstream.schemas.avro.Frame;
import io.labelstream.schemas.avro.FrameRecord;
import io.labelstream.schemas.avro.Label;
import io.labelstream.schemas.avro.LabelSource;
import io.labelstream.schemas.avro.Prediction;
import io.labelstream.schemas.avro.ReviewReason;
import io.labelstream.schemas.avro.ReviewRequest;
import io.labelstream.schemas.avro.Route;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a final label back to people as a FLAGGED task: the request (the prediction, where the image is, who flagged
 * it and why), written by the queue leader and opened at once. A person's flag ({@link FrameApi}) and a drift recall
 * ({@code policy.LabelRecall}) both come here, so a flagged task looks the same whoever raised it.
 *
 * <p>The image is read again from the frame store, or for frames without a reference from {@code frames.v1}, and
 * checked to be there now: a task whose image is gone helps nobody. Refusals are {@link ApiException}s, as the flag
 * endpoint answers them.
 *
 * <p>Only the queue leader may call it, once its state is rebuilt. One flag at a time: the check that the frame has no
 * open task and the task it opens must not interleave with another flag of the same frame.
 */
public final class FlagRequests {

  private static final Logger LOG = LoggerFactory.getLogger(FlagRequests.class);

  /** The code of the refusal to flag a frame that already waits for a reviewer. */
  public static final String ALREADY_IN_REVIEW = "already_in_review";
  /** Flagged labels are already wrong in the dataset: they go to the front of the queue. */
  private static final double FLAG_PRIORITY = 1.0;

  private final TaskQueue queue;
  private final Consumer<ReviewRequest> requests;
  private final Function<String, Optional<FrameHistory>> histories;
  private final FlagLog flags;
  private final RecordFetcher fetcher;
  private final FrameImages store;
  private final Clock clock;

  /**
   * @param requests writes a request as the queue leader ({@code QueueWriter::request}): returns once committed,
   *     throws (a {@code KafkaException}, {@code NotQueueLeaderException}) otherwise
   * @param histories a frame's history, from wherever it is kept ({@code FrameHistories::get}): where its frame,
   *     prediction and stored image are
   * @param flags every flag so far: numbers the frame's next flag task, and is told of this one
   */
  public FlagRequests(TaskQueue queue, Consumer<ReviewRequest> requests,
      Function<String, Optional<FrameHistory>> histories, FlagLog flags,
      RecordFetcher fetcher, FrameImages store, Clock clock) {
    this.queue = queue;
    this.requests = requests;
    this.histories = histories;
    this.flags = flags;
    this.fetcher = fetcher;
    this.store = store;
    this.clock = clock;
  }

  /** What became of a flag made by the service itself rather than over HTTP ({@link #flagFromService}). */
  public enum ServiceFlag {
    /** The task is open. */
    SENT,
    /** The frame was already waiting for a reviewer. */
    ALREADY_IN_REVIEW,
    /** The frame store did not answer: not the frame's fault, worth trying again. */
    STORE_UNAVAILABLE,
    /** The instance that keeps the frame's history could not be asked: worth trying again. */
    HISTORY_UNAVAILABLE,
    /** The frame's image cannot be shown again (gone, corrupt or never located): the frame cannot go back. */
    IMAGE_UNAVAILABLE
  }

  /**
   * {@link #flag} for a caller outside the HTTP layer (the drift recall): the refusals as a result, since only http/
   * speaks in HTTP errors. A Kafka failure still throws.
   */
  public ServiceFlag flagFromService(Label current, String flaggedBy, String reason) {
    try {
      flag(current, flaggedBy, reason);
      return ServiceFlag.SENT;
    } catch (ApiException e) {
      if (ALREADY_IN_REVIEW.equals(e.code())) {
        return ServiceFlag.ALREADY_IN_REVIEW;
      }
      if (e.status() == 503) {
        return ServiceFlag.STORE_UNAVAILABLE;
      }
      LOG.warn("frame {} cannot go back to people: {} {}", current.getFrameId(), e.code(), e.getMessage());
      return ServiceFlag.IMAGE_UNAVAILABLE;
    } catch (FrameStateUnavailable e) {
      return ServiceFlag.HISTORY_UNAVAILABLE;
    }
  }

  /**
   * Sends {@code current}, the frame's final label, back to people.
   *
   * @return the request written; its task is open
   * @throws ApiException {@value #ALREADY_IN_REVIEW} (409) when the frame has an open task, or the image's refusal:
   *     409 image_unavailable, 410 image_gone, 500 image_corrupt, 503 frame_store_unavailable
   * @throws FrameStateUnavailable when the instance that keeps the frame's history cannot be asked now
   */
  public synchronized ReviewRequest flag(Label current, String flaggedBy, String reason) {
    String frameId = current.getFrameId();
    if (queue.openTaskOfFrame(frameId).isPresent()) {
      throw new ApiException(409, ALREADY_IN_REVIEW, "frame " + frameId + " is already waiting for a reviewer");
    }
    FrameHistory history = histories.apply(frameId).orElse(new FrameHistory(List.of(), null, null, null));
    Optional<FrameHistory.Position> framePosition = history.framePosition();
    FlaggedImage image = image(frameId, framePosition, history.storedImage());
    Prediction prediction = flaggedBoxes(history.predictionPosition()
        .flatMap(p -> fetcher.fetch(Topics.PREDICTIONS, p.partition(), p.offset()))
        .orElseGet(() -> standIn(current)), current);
    Instant now = clock.instant();
    String taskId = TaskIds.flagged(frameId, flags.flagsOf(frameId) + 1);
    ReviewRequest request = ReviewRequest.newBuilder()
        .setTaskId(taskId)
        .setFrameId(frameId)
        .setReason(ReviewReason.FLAGGED)
        .setPriority(FLAG_PRIORITY)
        .setPrediction(prediction)
        .setContentType(image.contentType())
        .setImageRef(image.stored() == null ? null : image.stored().ref())
        .setFrameRecord(framePosition.map(p -> FrameRecord.newBuilder().setPartition(p.partition())
            .setOffset(p.offset()).build()).orElse(null))
        .setRequestedAt(now)
        .setFlag(Flag.newBuilder().setFlaggedBy(flaggedBy).setReason(reason).setFlaggedAt(now)
            .setPreviousLabel(current.getLabel()).setPreviousSource(current.getSource().name()).build())
        .build();
    requests.accept(request);
    // The queue keeps where the image is, not its bytes: the page reads it back from the store or frames.v1.
    queue.offer(ReviewTask.of(request, image.where()));
    // Its request may wait in Kafka behind others while the queue is full: the flag is counted now, so a second
    // flag of the frame gets the next task id instead of this one's.
    flags.flagged(new FlagLog.Flag(frameId, taskId, reason, flaggedBy, now));
    return request;
  }

  /**
   * What a flagged request says the model predicted when predictions.v1 no longer has the prediction (its retention
   * is shorter than a dataset's life): the flagged label itself, its class and confidence, at its time. A flagged
   * task shows the flagged label as its suggestion either way; only its confidence comes from here.
   */
  private static Prediction standIn(Label current) {
    double score = current.getConfidence() == null ? 0 : current.getConfidence();
    return Prediction.newBuilder()
        .setFrameId(current.getFrameId())
        .setModelName(current.getModelName() == null ? "(flagged " + current.getSource().name() + " label)"
            : current.getModelName())
        .setModelVersion(current.getModelVersion() == null ? "" : current.getModelVersion())
        .setClassIndex(current.getClassIndex()).setLabel(current.getLabel())
        .setTopK(List.of(new ClassProbability(current.getClassIndex(), current.getLabel(), score)))
        .setMaxProbability(score).setMargin(0).setEntropy(0).setScore(score).setThreshold(0)
        .setRoute(current.getSource() == LabelSource.MODEL ? Route.MODEL_LABEL : Route.REVIEW)
        .setPredictedAt(current.getLabelledAt())
        .build();
  }

  /**
   * A detection label's boxes are what its FLAGGED task suggests and what the answer is ACCEPTED against, as a flagged
   * class is: the request's prediction carries them (with the frame's size) in place of the model's, since the flag
   * record has room for a class name only.
   */
  private static Prediction flaggedBoxes(Prediction prediction, Label current) {
    if (current.getBoxes() == null) {
      return prediction;
    }
    return Prediction.newBuilder(prediction)
        .setBoxes(current.getBoxes())
        .setWidth(current.getWidth() != null ? current.getWidth() : prediction.getWidth())
        .setHeight(current.getHeight() != null ? current.getHeight() : prediction.getHeight())
        .build();
  }

  /** Where a flagged frame's image is, checked to be there now. */
  private record FlaggedImage(String contentType, StoredImage stored, TaskImage where) {}

  /**
   * The frame store's copy when a record named one (it outlives Kafka), read once to be sure it is there and whole;
   * else the frame's record in frames.v1.
   */
  private FlaggedImage image(String frameId, Optional<FrameHistory.Position> framePosition,
      Optional<StoredImage> named) {
    TaskImage inKafka = framePosition.map(p -> (TaskImage) new TaskImage.InKafka(p.topic(), p.partition(),
        p.offset())).orElse(null);
    Optional<StoredImage> stored = store.enabled() ? named : Optional.empty();
    if (stored.isPresent()) {
      StoreErrors.read(store, stored.get(), frameId); // 410 image_gone, 500 image_corrupt, 503 frame_store_unavailable
      return new FlaggedImage(stored.get().contentType(), stored.get(), new TaskImage.Stored(stored.get(), inKafka));
    }
    FrameHistory.Position position = framePosition.orElseThrow(() -> new ApiException(409, "image_unavailable",
        "where the image of frame " + frameId + " is, is not known (it was routed before predictions recorded "
        + "where frames are, and no record named it in the frame store), so it cannot be shown again"));
    Frame frame = fetcher.fetch(Topics.FRAMES, position.partition(), position.offset())
        .orElseThrow(() -> new ApiException(410, "image_gone", "frame " + frameId + " is no longer in frames.v1 "
            + "(retention)"));
    if (frame.getImageRef() != null && store.enabled()) {
      StoredImage fromFrame = StoredImage.of(frame.getImageRef());
      StoreErrors.read(store, fromFrame, frameId);
      return new FlaggedImage(frame.getContentType(), fromFrame, new TaskImage.Stored(fromFrame, inKafka));
    }
    return new FlaggedImage(frame.getContentType(), null, inKafka);
  }
}
