package io.labelstream.review.policy.drift;

/**
 * The bounds of each input statistic (in {@link ChangeMonitor#IMAGE_STATISTICS} order) outside which a frame is
 * unusual for its scope ({@link ChangeMonitor#unusual}); infinite where a statistic is not bounded yet.
 */
public record UsualRange(double[] low, double[] high) {

  public UsualRange {
    low = low.clone();
    high = high.clone();
  }

  @Override
  public double[] low() {
    return low.clone();
  }

  @Override
  public double[] high() {
    return high.clone();
  }
}
