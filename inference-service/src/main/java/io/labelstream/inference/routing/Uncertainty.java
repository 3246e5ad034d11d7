package io.labelstream.inference.routing;

import io.labelstream.inference.model.ModelOutput;
import java.util.Arrays;
import java.util.Comparator;
import java.util.OptionalDouble;
import java.util.stream.IntStream;

/**
 * Uncertainty scores of one prediction, computed from the model's probabilities: a single network's, or an
 * ensemble's (members named by the card, or the views of test-time augmentation).
 *
 * @param ranked class indices, most probable first
 * @param maxProbability top-1 mean probability; the routing score (measured on the bundled model, it separates
 *     right from wrong answers better than entropy or margin, and much better than mutual information alone)
 * @param margin top-1 minus top-2 mean probability
 * @param entropy entropy of the mean distribution, nats
 * @param mutualInformation entropy of the mean minus the members' mean entropy (BALD), nats: how much the members
 *     disagree; empty for a single network, which has no members to disagree
 */
public record Uncertainty(int[] ranked, double maxProbability, double margin, double entropy,
    OptionalDouble mutualInformation) {

  public static Uncertainty of(ModelOutput output) {
    float[] mean = output.meanProbs();
    int[] ranked = IntStream.range(0, mean.length).boxed()
        .sorted(Comparator.comparingDouble((Integer i) -> mean[i]).reversed())
        .mapToInt(Integer::intValue).toArray();
    double top = mean[ranked[0]];
    double second = ranked.length > 1 ? mean[ranked[1]] : 0.0;
    double entropyOfMean = entropy(mean);
    OptionalDouble mutualInformation = output.hasMembers()
        ? OptionalDouble.of(Math.max(0.0, entropyOfMean
            - Arrays.stream(output.memberProbs()).mapToDouble(Uncertainty::entropy).average().orElseThrow()))
        : OptionalDouble.empty();
    return new Uncertainty(ranked, top, top - second, entropyOfMean, mutualInformation);
  }

  /** The single score compared with the routing threshold. */
  public double score() {
    return maxProbability;
  }

  public int predictedClass() {
    return ranked[0];
  }

  static double entropy(float[] p) {
    double h = 0;
    for (float v : p) {
      if (v > 0) {
        h -= v * Math.log(v);
      }
    }
    return h;
  }
}
