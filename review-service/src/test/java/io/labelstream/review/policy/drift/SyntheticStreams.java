package io.labelstream.review.policy.drift;

import java.util.Arrays;
import java.util.Random;

/** Seeded synthetic frames for the drift tests: uniform scores with a chosen low-tail mass, Gaussian statistics. */
final class SyntheticStreams {

  /** Where the score's low tail is cut in these streams: below it lies the tail mass. */
  static final double LOW_SCORE = 0.1;

  private SyntheticStreams() {}

  /** A score whose mass below {@link #LOW_SCORE} is {@code tailMass} (0.1: plain uniform). */
  static double score(Random random, double tailMass) {
    return random.nextDouble() < tailMass
        ? LOW_SCORE * random.nextDouble()
        : LOW_SCORE + (1 - LOW_SCORE) * random.nextDouble();
  }

  /** Four statistics around 0.5 with sd 0.1, the first (brightness) moved by {@code brightnessShift}. */
  static double[] statistics(Random random, double brightnessShift) {
    double[] stats = new double[ChangeMonitor.IMAGE_STATISTICS.size()];
    for (int i = 0; i < stats.length; i++) {
      stats[i] = 0.5 + 0.1 * random.nextGaussian();
    }
    stats[0] += brightnessShift;
    return stats;
  }

  static double mean(long[] values) {
    return Arrays.stream(values).average().orElse(Double.NaN);
  }

  static long percentile(long[] values, double p) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[(int) Math.ceil(p * sorted.length) - 1];
  }
}
