package io.labelstream.review.dataset;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.labelstream.schemas.avro.Box;
import io.labelstream.schemas.avro.DatasetSnapshot;
import java.util.List;
import java.util.Locale;
import java.util.function.ToIntFunction;

/**
 * The text files of the {@code yolo} export, in Ultralytics' layout: one {@code labels/<frame>.txt} per frame with a
 * line {@code class cx cy w h} per box, and {@code data.yaml}, which names the classes.
 *
 * <p>YOLO coordinates are the box's centre and size as fractions of the frame's width and height, so they must lie in
 * 0–1: a box is first clipped to the frame ({@link BoxClip}), and a box that keeps no area is left out. Six decimals: 1/1,000,000 of a 4K frame is far below a pixel.
 */
final class YoloLabels {

  static final String DATA_YAML = "data.yaml";

  private YoloLabels() {}

  /** The label file of one frame: a line per box, {@code \n} after each; empty when the frame has nothing in it. */
  static String lines(List<Box> boxes, int width, int height, ToIntFunction<Box> classOf) {
    StringBuilder out = new StringBuilder();
    for (Box raw : boxes) {
      Box box = BoxClip.toFrame(raw, width, height);
      if (box == null) {
        continue;
      }
      double w = box.getW();
      double h = box.getH();
      out.append(String.format(Locale.ROOT, "%d %.6f %.6f %.6f %.6f\n", classOf.applyAsInt(box),
          (box.getX() + w / 2) / width, (box.getY() + h / 2) / height, w / width, h / height));
    }
    return out.toString();
  }

  /**
   * {@code data.yaml}: {@code path} is the dataset id, so unpacking the ZIP into a folder of that name under
   * Ultralytics' {@code datasets_dir} works as it is (set it to the folder's absolute path otherwise); every image is
   * both {@code train} and {@code val}, as LabelStream does not split datasets; {@code names} lists every class of the
   * snapshot by its id, as JSON strings (valid YAML, whatever the name holds).
   */
  static String dataYaml(DatasetSnapshot snapshot) {
    StringBuilder out = new StringBuilder();
    out.append("# LabelStream dataset ").append(snapshot.getDatasetId()).append(": ").append(snapshot.getTotal())
        .append(" frames, content SHA-256 ").append(snapshot.getContentSha256()).append('\n');
    out.append("# Unpack into <datasets_dir>/").append(snapshot.getDatasetId())
        .append(", or set path to the folder you unpacked it into.\n");
    out.append("path: ").append(quoted(snapshot.getDatasetId())).append('\n');
    out.append("train: images\n");
    out.append("val: images\n");
    List<String> classes = snapshot.getClasses();
    out.append("nc: ").append(classes.size()).append('\n');
    out.append("names:\n");
    for (int i = 0; i < classes.size(); i++) {
      out.append("  ").append(i).append(": ").append(quoted(classes.get(i))).append('\n');
    }
    return out.toString();
  }

  private static String quoted(String text) {
    return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(text)) + "\"";
  }
}
