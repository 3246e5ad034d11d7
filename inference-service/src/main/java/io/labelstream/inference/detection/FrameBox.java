package io.labelstream.inference.detection;

/**
 * One box a detector proposed, in frame pixels ({@code x}, {@code y} = top-left corner, {@code w}, {@code h} =
 * size), with its class index in the card's classNames, its score and its class certainty (its class's score over
 * the sum of its anchor's class scores, 1 where the output gives only the winning class; {@code FrameScore}).
 */
public record FrameBox(int classIndex, float score, double classCertainty, double x, double y, double w, double h) {

  /** A box whose output gives only the winning class. */
  public FrameBox(int classIndex, float score, double x, double y, double w, double h) {
    this(classIndex, score, 1.0, x, y, w, h);
  }
}
