package io.labelstream.review.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.labelstream.platform.http.ApiException;
import io.labelstream.review.auth.Role;
import io.labelstream.review.cluster.QueueWriter;
import io.labelstream.review.images.FrameImages;
import io.labelstream.review.images.StoredImage;
import io.labelstream.review.queue.ReviewTask;
import io.labelstream.review.queue.TaskImage;
import io.labelstream.review.queue.TaskQueue;
import io.labelstream.review.state.FrameHistory;
import io.labelstream.review.state.LabelStore;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.apache.kafka.common.KafkaException;

/**
 * A frame's history, and flagging a final label as wrong: the frame goes back to people as a FLAGGED task (with the
 * image read again from the frame store, or for frames without a reference from {@code frames.v1}); the answer
 * supersedes the flagged label.
 */
public final class FrameApi {

  private static final int MAX_REASON = 500;
  /** Flagged labels are already wrong in the dataset: they go to the front of the queue. */
  private static final double FLAG_PRIORITY = 1.0;

  private final TaskQueue queue;
  private final QueueWriter writer;
  private final LeaderForwarding forwarding;
  private final LabelStore labels;
  private final FrameHistory history;
  private final RecordFetcher fetcher;
  private final FrameImages store;
  private final BooleanSupplier stateReady;
  private final Clock clock;

  public FrameApi(TaskQueue queue, QueueWriter writer, LeaderForwarding forwarding, LabelStore labels,
      FrameHistory history, RecordFetcher fetcher, FrameImages store, BooleanSupplier stateReady, Clock clock) {
    this.queue = queue;
    this.writer = writer;
    this.forwarding = forwarding;
    this.labels = labels;
    this.history = history;
    this.fetcher = fetcher;
    this.store = store;
    this.stateReady = stateReady;
    this.clock = clock;
  }

  public void register(Javalin app) {
    // A flag is a queue change: the queue leader makes it.
    app.before("/v1/labels/{frameId}/flag", forwarding::forwardPostUnlessLeader);
    app.post("/v1/labels/{frameId}/flag", this::flag, Role.REVIEWER, Role.ADMIN);
    app.get("/v1/frames/{frameId}/history", this::history, Role.ADMIN);
  }

  private synchronized void flag(Context ctx) {
    if (!stateReady.getAsBoolean()) {
      throw ApiException.unavailable("not_ready", "the review queue is still being rebuilt from Kafka", 2);
    }
    String frameId = ctx.pathParam("frameId");
    String reason = reason(ctx);
    Label current = labels.get(frameId).orElseThrow(() -> new ApiException(404, "label_not_found",
        "frame " + frameId + " has no final label to flag"));
    if (queue.openTaskOfFrame(frameId).isPresent()) {
      throw new ApiException(409, "already_in_review", "frame " + frameId + " is already waiting for a reviewer");
    }
    Optional<FrameHistory.Position> framePosition = history.framePosition(frameId);
    FlaggedImage image = image(frameId, framePosition);
    Prediction prediction = flaggedBoxes(history.predictionPosition(frameId)
        .flatMap(p -> fetcher.fetch(Topics.PREDICTIONS, p.partition(), p.offset()))
        .orElseGet(() -> standIn(current)), current);
    Instant now = clock.instant();
    String taskId = TaskIds.flagged(frameId, history.flagsOf(frameId) + 1);
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
        .setFlag(Flag.newBuilder().setFlaggedBy(BearerAuth.reviewer(ctx).name()).setReason(reason).setFlaggedAt(now)
            .setPreviousLabel(current.getLabel()).setPreviousSource(current.getSource().name()).build())
        .build();
    writer.request(request); // a KafkaException is HttpService's 503 kafka_unavailable
    // The queue keeps where the image is, not its bytes: the page reads it back from the store or frames.v1.
    queue.offer(ReviewTask.of(request, image.where()));
    // Its request may wait in Kafka behind others while the queue is full: the flag is counted now, so a second
    // flag of the frame gets the next task id instead of this one's.
    history.flagged(new FrameHistory.Flag(frameId, taskId, reason, request.getFlag().getFlaggedBy(), now));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("frameId", frameId);
    body.put("taskId", taskId);
    // Final labels are for admins (GET /v1/labels): a flag must not be a way round that for reviewers.
    if (BearerAuth.reviewer(ctx).role() == Role.ADMIN) {
      body.put("flaggedLabel", current.getLabel());
    }
    ctx.status(202).json(body);
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

  /** Where a flagged frame's image is, checked to be there now: a task whose image is gone helps nobody. */
  private record FlaggedImage(String contentType, StoredImage stored, TaskImage where) {}

  /**
   * The frame store's copy when a record named one (it outlives Kafka), read once to be sure it is there and whole;
   * else the frame's record in frames.v1.
   */
  private FlaggedImage image(String frameId, Optional<FrameHistory.Position> framePosition) {
    TaskImage inKafka = framePosition.map(p -> (TaskImage) new TaskImage.InKafka(p.topic(), p.partition(),
        p.offset())).orElse(null);
    Optional<StoredImage> stored = store.enabled() ? history.image(frameId) : Optional.empty();
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

  private void history(Context ctx) {
    String frameId = ctx.pathParam("frameId");
    List<FrameHistory.Event> events = history.of(frameId).orElseThrow(() -> new ApiException(404, "frame_not_found",
        "nothing is known about frame " + frameId));
    List<Map<String, Object>> rows = new ArrayList<>();
    for (FrameHistory.Event event : events) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("type", event.type());
      row.put("at", event.at());
      row.put("by", event.by());
      row.put("label", event.label());
      row.putAll(event.details());
      row.put("record", Map.of("topic", event.topic(), "partition", event.partition(), "offset", event.offset()));
      rows.add(row);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("frameId", frameId);
    body.put("frame", history.framePosition(frameId).map(p -> (Object) Map.of("topic", p.topic(),
        "partition", p.partition(), "offset", p.offset())).orElse(null));
    body.put("image", history.image(frameId).map(i -> (Object) Map.of("store", i.store(), "key", i.key(),
        "size", i.size(), "sha256", i.sha256Hex(), "contentType", i.contentType())).orElse(null));
    body.put("finalLabel", labels.get(frameId).map(l -> (Object) Map.of("label", l.getLabel(),
        "source", l.getSource().name())).orElse(null));
    body.put("events", rows);
    ctx.json(body);
  }

  private static String reason(Context ctx) {
    JsonNode body;
    try {
      body = ctx.bodyAsClass(JsonNode.class);
    } catch (Exception e) {
      throw ApiException.refusalIn(e).orElseGet(() -> new ApiException(400, "invalid_body",
          "the body must be one JSON object like {\"reason\": \"the bag is a shoe\"}, each key once and nothing "
              + "after it"));
    }
    if (body == null || !body.hasNonNull("reason") || !body.get("reason").isTextual()
        || body.get("reason").asText().isBlank() || body.get("reason").asText().length() > MAX_REASON) {
      throw new ApiException(400, "invalid_body", "the body must be JSON like {\"reason\": \"...\"} with a reason of "
          + "1 to " + MAX_REASON + " characters");
    }
    return body.get("reason").asText().strip();
  }
}
