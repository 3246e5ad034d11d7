package io.labelstream.review.queue;

import io.labelstream.schemas.avro.Box;
import java.util.List;

/**
 * What makes a task a detection task: the frame's size (the space its boxes are in) and the boxes it is judged
 * against.
 *
 * @param width frame width in pixels, from the prediction (v5) or the gold frame; null when the prediction did not
 *     say (the API then reads it from the image)
 * @param height frame height in pixels, likewise
 * @param predicted the model's boxes (for a FLAGGED task, the flagged label's boxes): the suggestion a
 *     LOW_CONFIDENCE or FLAGGED task shows and what an answer is ACCEPTED against; an audit's hidden boxes. Null on a
 *     gold task, whose known boxes stay with {@link GoldTasks}
 */
public record TaskBoxes(Integer width, Integer height, List<Box> predicted) {

  public TaskBoxes {
    predicted = predicted == null ? null : List.copyOf(predicted);
  }
}
