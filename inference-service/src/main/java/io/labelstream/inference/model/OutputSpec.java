package io.labelstream.inference.model;

/**
 * How to read the model's answer: the {@code output} section of a model card.
 *
 * @param name the graph output holding one row of class scores per image, {@code [N,C]}
 * @param kind whether that row is already probabilities or logits (softmax applied here)
 * @param members the graph output holding each ensemble member's scores, {@code [N,K,C]}, read as the same kind;
 *     null when the model is a single network (mutual information is then undefined)
 */
public record OutputSpec(String name, Kind kind, String members) {

  public enum Kind { PROBABILITIES, LOGITS }

  /** The version 1 contract: the bundled ensemble's {@code mean_probs} and {@code member_probs}. */
  public static OutputSpec bundledEnsemble() {
    return new OutputSpec("mean_probs", Kind.PROBABILITIES, "member_probs");
  }

  public boolean hasMembers() {
    return members != null;
  }

  /** Turns one row of scores into probabilities, in place: logits through a numerically stable softmax. */
  void toProbabilities(float[] scores) {
    if (kind == Kind.PROBABILITIES) {
      return;
    }
    float max = Float.NEGATIVE_INFINITY;
    for (float s : scores) {
      max = Math.max(max, s);
    }
    double sum = 0;
    double[] e = new double[scores.length];
    for (int c = 0; c < scores.length; c++) {
      e[c] = Math.exp((double) scores[c] - max);
      sum += e[c];
    }
    for (int c = 0; c < scores.length; c++) {
      scores[c] = (float) (e[c] / sum);
    }
  }
}
