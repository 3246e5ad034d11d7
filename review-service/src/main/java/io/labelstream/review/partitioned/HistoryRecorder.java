package io.labelstream.review.partitioned;

import io.labelstream.review.images.StoredImage;
import io.labelstream.review.partitioned.FrameHistory.Event;
import io.labelstream.review.partitioned.FrameHistory.Position;
import io.labelstream.schemas.Topics;
import io.labelstream.review.boxes.BoxesJson;
import io.labelstream.schemas.avro.Box;
import io.labelstream.schemas.avro.Label;
import io.labelstream.schemas.avro.Prediction;
import io.labelstream.schemas.avro.ReviewRequest;
import io.labelstream.schemas.avro.ReviewResult;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.state.KeyValueStore;

/** Turns records into {@link FrameHistory} events in the history store, each with its record's position. */
final class HistoryRecorder {

  private final KeyValueStore<String, byte[]> store;

  HistoryRecorder(KeyValueStore<String, byte[]> store) {
    this.store = store;
  }

  void prediction(Position record, Prediction p) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("score", p.getScore());
    details.put("threshold", p.getThreshold());
    details.put("route", p.getRoute().name());
    details.put("audited", p.getAudited());
    details.put("modelVersion", p.getModelVersion());
    putBoxes(details, p.getBoxes());
    Position frame = p.getSourcePartition() == null || p.getSourceOffset() == null ? null
        : new Position(Topics.FRAMES.name(), p.getSourcePartition(), p.getSourceOffset());
    FrameHistory.record(store, p.getFrameId(),
        event("prediction", p.getPredictedAt(), p.getModelName(), p.getLabel(), details, record), frame, null);
  }

  void request(Position record, ReviewRequest r) {
    StoredImage image = StoredImage.ofNullable(r.getImageRef());
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("taskId", r.getTaskId());
    details.put("reason", r.getReason().name());
    details.put("priority", r.getPriority());
    if (r.getFlag() != null) {
      details.put("flagReason", r.getFlag().getReason());
      details.put("previousLabel", r.getFlag().getPreviousLabel());
      details.put("previousSource", r.getFlag().getPreviousSource());
      FrameHistory.record(store, r.getFrameId(), event("flagged", r.getFlag().getFlaggedAt(),
          r.getFlag().getFlaggedBy(), r.getFlag().getPreviousLabel(), details, record), null, image);
      return;
    }
    FrameHistory.record(store, r.getFrameId(), event("review_requested", r.getRequestedAt(), null,
        r.getPrediction().getLabel(), details, record), null, image);
  }

  void result(Position record, ReviewResult r) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("taskId", r.getTaskId());
    details.put("decision", r.getDecision().name());
    details.put("settled", !Boolean.FALSE.equals(r.getDecides()));
    details.put("timeSpentMs", r.getTimeSpentMs());
    putBoxes(details, r.getBoxes());
    FrameHistory.record(store, r.getFrameId(),
        event("answer", r.getSubmittedAt(), r.getReviewerId(), r.getLabel(), details, record), null, null);
  }

  void label(Position record, Label l) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("source", l.getSource().name());
    details.put("confidence", l.getConfidence());
    details.put("modelVersion", l.getModelVersion());
    details.put("taskId", l.getTaskId());
    putBoxes(details, l.getBoxes());
    String by = l.getReviewerIds().isEmpty() ? l.getModelName() : String.join(",", l.getReviewerIds());
    FrameHistory.record(store, l.getFrameId(), event("label", l.getLabelledAt(), by, l.getLabel(), details, record),
        null, StoredImage.ofNullable(l.getImageRef()));
  }

  private static Event event(String type, Instant at, String by, String label, Map<String, Object> details,
      Position record) {
    return new Event(type, at, by, label, details, record.topic(), record.partition(), record.offset());
  }

  /** A detection record's boxes, as the API shows them; a classification record has none. */
  private static void putBoxes(Map<String, Object> details, List<Box> boxes) {
    if (boxes != null) {
      details.put("boxes", BoxesJson.of(boxes));
    }
  }
}
