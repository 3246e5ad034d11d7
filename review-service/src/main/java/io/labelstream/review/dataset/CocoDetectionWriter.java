package io.labelstream.review.dataset;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import io.labelstream.schemas.avro.Box;
import io.labelstream.schemas.avro.DatasetSnapshot;
import io.labelstream.schemas.avro.Label;
import io.labelstream.schemas.avro.LabelSource;
import java.io.IOException;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.Map;

/**
 * Writes a detection snapshot as COCO object-detection JSON, one element at a time: {@code info} and
 * {@code categories} as for classification ({@link CocoWriter}: every class of the snapshot, id = its position, so ids
 * are the model's class indexes and the YOLO export's class numbers), then {@code images} and {@code annotations},
 * which COCO keeps in two arrays: the caller reads the snapshot twice. Image n is the snapshot's n-th frame (counting
 * from 1); annotations are its boxes, numbered from 1 across the snapshot in frame and box order.
 *
 * <ul>
 *   <li>An image has the frame's {@code width} and {@code height} as the label carries them, and {@code file_name}
 *       {@code <frame>.<jpg|png>}, the name its image has in the {@code yolo} export's {@code images/} folder (the
 *       extension from the stored image's media type; a label without a frame-store reference gets the bare name).
 *       Its {@code labelstream} object says where the label came from: frameId, source (MODEL or HUMAN), the frame's
 *       routing score, model, reviewers, task and time.</li>
 *   <li>An annotation has {@code bbox} {@code [x, y, w, h]} in frame pixels (top-left corner, as COCO and the label
 *       have it), clipped to the frame as the {@code yolo} export clips it ({@link BoxClip}), {@code area} {@code w * h}, {@code iscrowd} 0, and {@code score} only for boxes of a MODEL label
 *       (the model's confidence in the box), so a people-labelled image never looks like a model's output.</li>
 * </ul>
 * Nothing here comes from outside the snapshot, so the bytes are the same for as long as the snapshot exists.
 */
final class CocoDetectionWriter implements CocoSections {

  private final JsonGenerator json;
  private final Map<String, Integer> categoryIds = new HashMap<>();
  private long nextAnnotation = 1;

  CocoDetectionWriter(OutputStream out) throws IOException {
    this.json = JsonlWriter.JSON.createGenerator(out, JsonEncoding.UTF8);
  }

  /** Everything up to the first image. */
  @Override
  public void begin(DatasetSnapshot snapshot) throws IOException {
    CocoWriter.infoAndCategories(json, snapshot, categoryIds);
    json.writeArrayFieldStart("images");
  }

  @Override
  public void image(long id, Label label) throws IOException {
    json.writeStartObject();
    json.writeNumberField("id", id);
    json.writeStringField("file_name", fileName(label));
    JsonlWriter.writeNullableInt(json, "width", label.getWidth());
    JsonlWriter.writeNullableInt(json, "height", label.getHeight());
    json.writeObjectFieldStart("labelstream");
    json.writeStringField("frameId", label.getFrameId());
    JsonlWriter.writeProvenance(json, label);
    json.writeEndObject();
    json.writeEndObject();
  }

  /** The image's name in the {@code yolo} export, without {@code images/}. */
  static String fileName(Label label) {
    String name = ExportNames.frameFile(label.getFrameId());
    return label.getImageRef() == null ? name
        : name + "." + ExportNames.extension(label.getImageRef().getContentType());
  }

  /** Closes the images and opens the annotations. */
  @Override
  public void beginAnnotations() throws IOException {
    json.writeEndArray();
    json.writeArrayFieldStart("annotations");
  }

  /** One annotation per box of the frame whose image has {@code imageId}; none for a frame with nothing in it. */
  @Override
  public void annotations(long imageId, Label label) throws IOException {
    boolean model = label.getSource() == LabelSource.MODEL;
    for (Box raw : label.getBoxes()) {
      Box box = label.getWidth() == null || label.getHeight() == null ? raw
          : BoxClip.toFrame(raw, label.getWidth(), label.getHeight());
      if (box == null) {
        continue; // nothing of it inside the frame
      }
      Integer category = categoryIds.get(box.getLabel());
      if (category == null) {
        // The snapshot's classes list every box class it holds; a miss means the content does not match it.
        throw new IllegalStateException("box class '" + box.getLabel() + "' of frame " + label.getFrameId()
            + " is not among the snapshot's classes");
      }
      json.writeStartObject();
      json.writeNumberField("id", nextAnnotation++);
      json.writeNumberField("image_id", imageId);
      json.writeNumberField("category_id", category);
      json.writeArrayFieldStart("bbox");
      json.writeNumber(box.getX());
      json.writeNumber(box.getY());
      json.writeNumber(box.getW());
      json.writeNumber(box.getH());
      json.writeEndArray();
      json.writeNumberField("area", (double) box.getW() * box.getH());
      json.writeNumberField("iscrowd", 0);
      if (model && box.getConfidence() != null) {
        json.writeNumberField("score", box.getConfidence());
      }
      json.writeEndObject();
    }
  }

  @Override
  public void end() throws IOException {
    json.writeEndArray();
    json.writeEndObject();
    json.flush();
  }
}
