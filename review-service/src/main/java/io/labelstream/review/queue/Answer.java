package io.labelstream.review.queue;

import io.labelstream.schemas.avro.Box;
import io.labelstream.schemas.avro.ReviewResult;
import io.labelstream.schemas.boxes.BoxMatching;
import java.util.List;

/**
 * One reviewer's answer to a task: a class for a classification task, or every box of the frame for a detection task.
 *
 * @param label the class name; {@code ""} for a detection answer, whose boxes carry the classes
 * @param boxes the boxes, in frame pixels ({@code []}: nothing to label); null for a classification answer
 */
public record Answer(String label, List<Box> boxes) {

  public Answer {
    boxes = boxes == null ? null : List.copyOf(boxes);
  }

  public static Answer ofLabel(String label) {
    return new Answer(label, null);
  }

  public static Answer ofBoxes(List<Box> boxes) {
    return new Answer("", boxes);
  }

  public boolean detection() {
    return boxes != null;
  }

  /**
   * Whether {@code result} gives the same answer: the same class, or boxes exact against these (one-to-one at IoU >=
   * 0.5, same class: {@link BoxMatching}). The one rule for consensus and for a repeated submit, so that a retry of a
   * detection answer (or one the page clipped differently) is recognised as the answer already given.
   */
  public boolean sameAs(ReviewResult result) {
    if (boxes == null) {
      return result.getBoxes() == null && result.getLabel().equals(label);
    }
    return result.getBoxes() != null && BoxMatching.match(result.getBoxes(), boxes).exact();
  }
}
