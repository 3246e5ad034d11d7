package io.labelstream.review.queue;

import io.labelstream.schemas.avro.Box;
import java.util.List;

/**
 * What an answer does to its task. A task needing several answers (AUDIT and FLAGGED ones, REVIEW_ANSWERS_REQUIRED)
 * is settled when one label has that many votes, or when an admin answers after reviewers disagreed (the tie-break).
 *
 * @param decides true when this answer settles the task: its HUMAN label is written with it
 * @param label the label of this answer, which is the settled one when {@code decides}
 * @param agreeing the reviewers whose answers carry that label (for boxes: are exact against this answer's), in answer
 *     order
 * @param boxes for a detection task, this answer's boxes: the settled ones when {@code decides} (every other agreeing
 *     answer is exact against them); null for a classification task
 */
public record Verdict(boolean decides, String label, List<String> agreeing, List<Box> boxes) {

  /** A classification verdict. */
  public Verdict(boolean decides, String label, List<String> agreeing) {
    this(decides, label, agreeing, null);
  }
}
