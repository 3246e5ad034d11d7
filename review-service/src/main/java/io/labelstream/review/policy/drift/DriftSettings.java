package io.labelstream.review.policy.drift;

/**
 * How the change detectors of one scope are set.
 *
 * @param baselineFrames frames each signal's baseline is learnt from (B)
 * @param tailQuantile tail mass of the baseline cuts (q)
 * @param baselineConfidence how sure the CUSUM's null tail rate is to be at or above the cut's true mass (see
 *     {@link TailBaseline})
 * @param tailRatio alternative tail rate as a multiple of the null one: the smallest tail change worth finding fast
 * @param errorRatio alternative error rate of answered frames as a multiple of the expected one
 * @param falseAlarmBudget false alarms tolerated per {@code horizonFrames} frames, over all signals of the scope
 * @param horizonFrames the horizon of the budget
 * @param unusualWiden how far beyond its baseline cuts a frame's input statistic must lie, in inter-quantile ranges,
 *     for the frame to go to people whatever its score ({@link ChangeMonitor#unusual})
 */
public record DriftSettings(int baselineFrames, double tailQuantile, double baselineConfidence, double tailRatio,
    double errorRatio, double falseAlarmBudget, long horizonFrames, double unusualWiden) {

  public DriftSettings {
    if (!(tailRatio > 1 && errorRatio > 1)) {
      throw new IllegalArgumentException("ratios must be above 1, got " + tailRatio + " and " + errorRatio);
    }
    if (!(falseAlarmBudget > 0) || horizonFrames <= 0) {
      throw new IllegalArgumentException("false-alarm budget and horizon must be positive");
    }
  }

  /**
   * Defaults: a 300-frame baseline (a few minutes of one camera, enough for a 0.1 quantile to be within ±0.017),
   * 0.1 tails, alternatives of twice the tail rate and three times the error rate (the strong change made
   * model labels err about 5x as often; 3x is caught before it costs the bound), and 0.02 false alarms per 10,000
   * frames: a false alarm restarts the evidence and raises audits for a while, so one per 500,000 frames costs
   * little. The baseline confidence 0.9 was measured on uniform scores (1,000 streams of 10,000 frames, score CUSUM
   * alone): 0.8 gave 4 false alarms, 0.9 gave 2 (its share of the budget), 0.95 none but found a 0.1 → 0.2 tail
   * change within 2,000 frames in 56% of streams instead of 68%.
   */
  public static DriftSettings defaults() {
    return new DriftSettings(300, 0.1, 0.9, 2.0, 3.0, 0.02, 10_000, 1.0);
  }

  /**
   * The CUSUM threshold for each of {@code cusums} one-sided CUSUMs sharing the budget (Bonferroni): a CUSUM with
   * threshold h alarms falsely within n observations with probability at most n·e^{-h}, so h = ln(K·horizon /
   * budget) keeps the sum over K CUSUMs within the budget.
   */
  public double threshold(int cusums) {
    return Math.log(cusums * (double) horizonFrames / falseAlarmBudget);
  }
}
