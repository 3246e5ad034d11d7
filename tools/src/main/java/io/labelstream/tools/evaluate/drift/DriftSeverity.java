package io.labelstream.tools.evaluate.drift;

/** The named severities of a drift scenario, each one of the {@link DriftKind#STEPS} steps predictions are made at. */
public enum DriftSeverity {
  MILD(2),
  MODERATE(4),
  SEVERE(6);

  private final int step;

  DriftSeverity(int step) {
    this.step = step;
  }

  /** The step (1 to {@link DriftKind#STEPS}) this severity is. */
  public int step() {
    return step;
  }

  /** The severity t in [0,1]: 2/6, 4/6, 6/6. */
  public double t() {
    return DriftKind.severity(step);
  }
}
