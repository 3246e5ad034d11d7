package io.labelstream.review.dataset;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import io.labelstream.schemas.avro.DatasetSnapshot;
import io.labelstream.schemas.avro.Label;
import io.labelstream.schemas.avro.PartitionOffset;
import java.io.IOException;
import java.io.OutputStream;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a snapshot as COCO-style JSON for classification, one element at a time: {@code info}, {@code categories}
 * (the snapshot's classes, id = position, so ids are the model's class indexes), then {@code images} and
 * {@code annotations}, which COCO keeps in two arrays. The caller therefore reads the snapshot twice, once per
 * array; image n and annotation n are the snapshot's n-th frame (counting from 1).
 *
 * <p>Images carry no width and height ({@code null}): they are in frames.v1, whose retention is shorter than a
 * dataset's life, and joining a million frames just for their sizes would cost a full read of every image. A COCO
 * export is therefore byte-for-byte the same for as long as the snapshot exists. {@code file_name} is the frame's
 * file name without folder or extension, as in the {@code folders} export; {@code frame_id} is the raw frameId.
 */
final class CocoWriter implements CocoSections {

  private final JsonGenerator json;
  private final Map<String, Integer> categoryIds = new HashMap<>();

  CocoWriter(OutputStream out) throws IOException {
    this.json = JsonlWriter.JSON.createGenerator(out, JsonEncoding.UTF8);
  }

  /** Everything up to the first image. */
  @Override
  public void begin(DatasetSnapshot snapshot) throws IOException {
    infoAndCategories(json, snapshot, categoryIds);
    json.writeArrayFieldStart("images");
  }

  /**
   * Opens the root object and writes {@code info} and {@code categories} (id = position in the snapshot's classes),
   * filling {@code categoryIds}; the same for classification and detection.
   */
  static void infoAndCategories(JsonGenerator json, DatasetSnapshot snapshot, Map<String, Integer> categoryIds)
      throws IOException {
    json.writeStartObject();
    json.writeObjectFieldStart("info");
    json.writeStringField("description", "LabelStream dataset " + snapshot.getDatasetId());
    json.writeStringField("version", snapshot.getDatasetId());
    json.writeNumberField("year", snapshot.getCreatedAt().atOffset(ZoneOffset.UTC).getYear());
    json.writeStringField("date_created", snapshot.getCreatedAt().toString());
    json.writeStringField("contributor", snapshot.getCreatedBy());
    json.writeStringField("dataset_id", snapshot.getDatasetId());
    json.writeNumberField("total", snapshot.getTotal());
    json.writeStringField("content_sha256", snapshot.getContentSha256());
    json.writeArrayFieldStart("label_offsets");
    for (PartitionOffset offset : snapshot.getLabelOffsets()) {
      json.writeStartObject();
      json.writeNumberField("partition", offset.getPartition());
      json.writeNumberField("offset", offset.getOffset());
      json.writeEndObject();
    }
    json.writeEndArray();
    json.writeEndObject();
    json.writeArrayFieldStart("categories");
    List<String> classes = snapshot.getClasses();
    for (int id = 0; id < classes.size(); id++) {
      categoryIds.put(classes.get(id), id);
      json.writeStartObject();
      json.writeNumberField("id", id);
      json.writeStringField("name", classes.get(id));
      json.writeEndObject();
    }
    json.writeEndArray();
  }

  @Override
  public void image(long id, Label label) throws IOException {
    json.writeStartObject();
    json.writeNumberField("id", id);
    json.writeStringField("file_name", ExportNames.frameFile(label.getFrameId()));
    json.writeNullField("width");
    json.writeNullField("height");
    json.writeStringField("frame_id", label.getFrameId());
    json.writeEndObject();
  }

  /** Closes the images and opens the annotations. */
  @Override
  public void beginAnnotations() throws IOException {
    json.writeEndArray();
    json.writeArrayFieldStart("annotations");
  }

  /** A classification label is one annotation of its image: its class. */
  @Override
  public void annotations(long id, Label label) throws IOException {
    Integer category = categoryIds.get(label.getLabel());
    if (category == null) {
      // The snapshot's classes list every label name it holds; a miss means the content does not match it.
      throw new IllegalStateException("label '" + label.getLabel() + "' of frame " + label.getFrameId()
          + " is not among the snapshot's classes");
    }
    json.writeStartObject();
    json.writeNumberField("id", id);
    json.writeNumberField("image_id", id);
    json.writeNumberField("category_id", category);
    json.writeStringField("source", label.getSource().name());
    JsonlWriter.writeNullableNumber(json, "confidence", label.getConfidence());
    json.writeStringField("model_name", label.getModelName());
    json.writeStringField("model_version", label.getModelVersion());
    json.writeArrayFieldStart("reviewer_ids");
    for (String reviewer : label.getReviewerIds()) {
      json.writeString(reviewer);
    }
    json.writeEndArray();
    json.writeStringField("task_id", label.getTaskId());
    json.writeStringField("labelled_at", label.getLabelledAt().toString());
    json.writeEndObject();
  }

  @Override
  public void end() throws IOException {
    json.writeEndArray();
    json.writeEndObject();
    json.flush();
  }
}
