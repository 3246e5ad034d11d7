package io.labelstream.review.boxes;

import io.labelstream.schemas.avro.Box;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Boxes as the API shows them: {@code {"label","x","y","w","h","confidence"}} in frame pixels. */
public final class BoxesJson {

  private BoxesJson() {}

  /** The boxes as JSON objects; null stays null (a classification record). */
  public static List<Map<String, Object>> of(List<Box> boxes) {
    if (boxes == null) {
      return null;
    }
    List<Map<String, Object>> rows = new ArrayList<>(boxes.size());
    for (Box box : boxes) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("label", box.getLabel());
      row.put("x", box.getX());
      row.put("y", box.getY());
      row.put("w", box.getW());
      row.put("h", box.getH());
      row.put("confidence", box.getConfidence());
      rows.add(row);
    }
    return rows;
  }
}
