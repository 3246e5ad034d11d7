package io.labelstream.review.state;

import io.labelstream.review.images.StoredImage;
import io.labelstream.review.state.FrameHistory.Event;
import io.labelstream.review.state.FrameHistory.Position;
import io.labelstream.schemas.Topics;
import io.labelstream.review.boxes.BoxesJson;
import io.labelstream.schemas.avro.Box;
import io.labelstream.schemas.avro.Label;
import io.labelstream.schemas.avro.Prediction;
import io.labelstream.schemas.avro.ReviewRequest;
import io.labelstream.schemas.avro.ReviewResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Turns the records the state tailer reads into {@link FrameHistory} events, each with its record's position. */
public final class HistoryRecorder {

  private final FrameHistory history;

  public HistoryRecorder(FrameHistory history) {
    this.history = history;
  }

  public void prediction(ConsumerRecord<String, byte[]> record, Prediction p) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("score", p.getScore());
    details.put("threshold", p.getThreshold());
    details.put("route", p.getRoute().name());
    details.put("audited", p.getAudited());
    details.put("modelVersion", p.getModelVersion());
    putBoxes(details, p.getBoxes());
    history.record(p.getFrameId(), new Event("prediction", p.getPredictedAt(), p.getModelName(), p.getLabel(), details,
        record.topic(), record.partition(), record.offset()));
    Position frame = p.getSourcePartition() == null || p.getSourceOffset() == null ? null
        : new Position(Topics.FRAMES.name(), p.getSourcePartition(), p.getSourceOffset());
    history.located(p.getFrameId(), frame, new Position(record.topic(), record.partition(), record.offset()));
  }

  public void request(ConsumerRecord<String, byte[]> record, ReviewRequest r) {
    history.imaged(r.getFrameId(), StoredImage.ofNullable(r.getImageRef()));
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("taskId", r.getTaskId());
    details.put("reason", r.getReason().name());
    details.put("priority", r.getPriority());
    if (r.getFlag() != null) {
      details.put("flagReason", r.getFlag().getReason());
      details.put("previousLabel", r.getFlag().getPreviousLabel());
      details.put("previousSource", r.getFlag().getPreviousSource());
      history.record(r.getFrameId(), new Event("flagged", r.getFlag().getFlaggedAt(), r.getFlag().getFlaggedBy(),
          r.getFlag().getPreviousLabel(), details, record.topic(), record.partition(), record.offset()));
      history.flagged(new FrameHistory.Flag(r.getFrameId(), r.getTaskId(), r.getFlag().getReason(),
          r.getFlag().getFlaggedBy(), r.getFlag().getFlaggedAt()));
      return;
    }
    history.record(r.getFrameId(), new Event("review_requested", r.getRequestedAt(), null, r.getPrediction().getLabel(),
        details, record.topic(), record.partition(), record.offset()));
  }

  public void result(ConsumerRecord<String, byte[]> record, ReviewResult r) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("taskId", r.getTaskId());
    details.put("decision", r.getDecision().name());
    details.put("settled", !Boolean.FALSE.equals(r.getDecides()));
    details.put("timeSpentMs", r.getTimeSpentMs());
    putBoxes(details, r.getBoxes());
    history.record(r.getFrameId(), new Event("answer", r.getSubmittedAt(), r.getReviewerId(), r.getLabel(), details,
        record.topic(), record.partition(), record.offset()));
  }

  public void label(ConsumerRecord<String, byte[]> record, Label l) {
    history.imaged(l.getFrameId(), StoredImage.ofNullable(l.getImageRef()));
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("source", l.getSource().name());
    details.put("confidence", l.getConfidence());
    details.put("modelVersion", l.getModelVersion());
    details.put("taskId", l.getTaskId());
    putBoxes(details, l.getBoxes());
    String by = l.getReviewerIds().isEmpty() ? l.getModelName() : String.join(",", l.getReviewerIds());
    history.record(l.getFrameId(), new Event("label", l.getLabelledAt(), by, l.getLabel(), details, record.topic(),
        record.partition(), record.offset()));
  }

  /** A detection record's boxes, as the API shows them; a classification record has none. */
  private static void putBoxes(Map<String, Object> details, List<Box> boxes) {
    if (boxes != null) {
      details.put("boxes", BoxesJson.of(boxes));
    }
  }
}
