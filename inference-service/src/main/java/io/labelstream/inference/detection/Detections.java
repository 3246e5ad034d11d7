package io.labelstream.inference.detection;

import io.labelstream.schemas.boxes.FrameScore;
import java.util.List;

/**
 * What a detector found in one frame, in frame pixels, most confident first.
 *
 * @param boxes the boxes it proposes: score at least the card's scoreThreshold, at most maxDetections of them
 * @param candidates every box left after NMS with a score of at least {@link FrameScore#CANDIDATE_FLOOR} (the
 *     proposed boxes included): the keep-or-drop decisions the frame score weighs
 */
public record Detections(List<FrameBox> boxes, List<FrameBox> candidates) {

  public Detections {
    boxes = List.copyOf(boxes);
    candidates = List.copyOf(candidates);
  }

  /** The score the frame is routed on: its candidates' keep-or-drop decisions at {@code cut} ({@link FrameScore}). */
  public FrameScore frameScore(double cut) {
    return FrameScore.of(candidates, FrameBox::score, FrameBox::classCertainty, cut);
  }
}
