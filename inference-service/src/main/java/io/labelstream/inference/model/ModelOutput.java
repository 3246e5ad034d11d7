package io.labelstream.inference.model;

/**
 * The model's answer for one frame.
 *
 * @param meanProbs the class probabilities: a single network's, or an ensemble's mean
 * @param memberProbs each member's class probabilities, [member][class]; empty for a single network
 */
public record ModelOutput(float[] meanProbs, float[][] memberProbs) {

  /** A single network's answer. */
  public static ModelOutput single(float[] probs) {
    return new ModelOutput(probs, new float[0][]);
  }

  /** True when the answer comes from an ensemble's members (or test-time views), so their disagreement is known. */
  public boolean hasMembers() {
    return memberProbs.length > 0;
  }
}
