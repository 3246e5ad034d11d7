package io.labelstream.review.boxes;

import io.labelstream.schemas.avro.Box;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A list of boxes in the review state's own encodings (a task's statistics in the state store, a checkpoint): the
 * count (-1 for none), then each box's label, class index, x, y, w, h and its confidence if it has one.
 */
public final class BoxBytes {

  private BoxBytes() {}

  public static void write(DataOutput out, List<Box> boxes) throws IOException {
    out.writeInt(boxes == null ? -1 : boxes.size());
    if (boxes == null) {
      return;
    }
    for (Box box : boxes) {
      out.writeUTF(box.getLabel());
      out.writeInt(box.getClassIndex());
      out.writeFloat(box.getX());
      out.writeFloat(box.getY());
      out.writeFloat(box.getW());
      out.writeFloat(box.getH());
      out.writeBoolean(box.getConfidence() != null);
      if (box.getConfidence() != null) {
        out.writeFloat(box.getConfidence());
      }
    }
  }

  /** What {@link #write} wrote: null for none, else an unmodifiable list. */
  public static List<Box> read(DataInput in) throws IOException {
    int n = in.readInt();
    if (n < 0) {
      return null;
    }
    List<Box> boxes = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Box.Builder box = Box.newBuilder().setLabel(in.readUTF()).setClassIndex(in.readInt())
          .setX(in.readFloat()).setY(in.readFloat()).setW(in.readFloat()).setH(in.readFloat());
      box.setConfidence(in.readBoolean() ? in.readFloat() : null);
      boxes.add(box.build());
    }
    return List.copyOf(boxes);
  }
}
