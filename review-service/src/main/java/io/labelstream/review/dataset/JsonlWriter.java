package io.labelstream.review.dataset;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import io.labelstream.schemas.avro.Box;
import io.labelstream.schemas.avro.Label;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes labels as the canonical JSONL of a snapshot: one object per line, always the same ten fields in the same
 * order (nulls written out), {@code labelledAt} as an ISO-8601 instant, {@code \n} after every line.
 *
 * <p>These bytes are what the content hash covers ({@link SnapshotMaker#FORMAT_VERSION}): a new field in the Label
 * schema does not appear here unless the format version changes, so an old snapshot's export keeps its hash. A
 * detection label (one with {@code boxes}) adds {@code width}, {@code height} and {@code boxes} after
 * {@code labelledAt} ({@link SnapshotMaker#DETECTION_FORMAT_VERSION}); a classification line is unchanged.
 */
final class JsonlWriter {

  static final JsonFactory JSON = JsonFactory.builder()
      .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
      .disable(StreamWriteFeature.FLUSH_PASSED_TO_STREAM)
      .build();

  private final JsonGenerator json;

  JsonlWriter(OutputStream out) throws IOException {
    this.json = JSON.createGenerator(out, JsonEncoding.UTF8);
    // Lines end with \n; Jackson's default separator between root values would add a space.
    this.json.setRootValueSeparator(null);
  }

  void write(Label label) throws IOException {
    json.writeStartObject();
    json.writeStringField("frameId", label.getFrameId());
    json.writeStringField("label", label.getLabel());
    json.writeNumberField("classIndex", label.getClassIndex());
    writeProvenance(json, label);
    if (label.getBoxes() != null) {
      writeNullableInt(json, "width", label.getWidth());
      writeNullableInt(json, "height", label.getHeight());
      json.writeArrayFieldStart("boxes");
      for (Box box : label.getBoxes()) {
        json.writeStartObject();
        json.writeStringField("label", box.getLabel());
        json.writeNumberField("classIndex", box.getClassIndex());
        json.writeNumberField("x", box.getX());
        json.writeNumberField("y", box.getY());
        json.writeNumberField("w", box.getW());
        json.writeNumberField("h", box.getH());
        if (box.getConfidence() == null) {
          json.writeNullField("confidence");
        } else {
          json.writeNumberField("confidence", box.getConfidence());
        }
        json.writeEndObject();
      }
      json.writeEndArray();
    }
    json.writeEndObject();
    json.writeRaw('\n');
  }

  /** Where a label came from, in the order every export writes it: source, confidence, model, reviewers, task, time. */
  static void writeProvenance(JsonGenerator json, Label label) throws IOException {
    json.writeStringField("source", label.getSource().name());
    writeNullableNumber(json, "confidence", label.getConfidence());
    json.writeStringField("modelName", label.getModelName());
    json.writeStringField("modelVersion", label.getModelVersion());
    json.writeArrayFieldStart("reviewerIds");
    for (String reviewer : label.getReviewerIds()) {
      json.writeString(reviewer);
    }
    json.writeEndArray();
    json.writeStringField("taskId", label.getTaskId());
    json.writeStringField("labelledAt", label.getLabelledAt().toString());
  }

  static void writeNullableInt(JsonGenerator json, String field, Integer value) throws IOException {
    if (value == null) {
      json.writeNullField(field);
    } else {
      json.writeNumberField(field, value);
    }
  }

  /** Hands everything written so far to the stream (without flushing the stream itself). */
  void flush() throws IOException {
    json.flush();
  }

  static void writeNullableNumber(JsonGenerator json, String field, Double value) throws IOException {
    if (value == null) {
      json.writeNullField(field);
    } else {
      json.writeNumberField(field, value);
    }
  }
}
