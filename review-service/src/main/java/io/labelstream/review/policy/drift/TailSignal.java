package io.labelstream.review.policy.drift;

import io.labelstream.review.policy.drift.ChangeAlarm.Direction;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.List;

/** One named signal of a frame, its baseline, and a one-sided CUSUM for each tail that is watched. */
final class TailSignal {

  private final String name;
  private final TailBaseline baseline;
  private final BernoulliCusum lower;
  private final BernoulliCusum upper;

  TailSignal(String name, DriftSettings settings, double threshold, boolean watchLower, boolean watchUpper) {
    this.name = name;
    this.baseline = new TailBaseline(settings.baselineFrames(), settings.tailQuantile(),
        settings.baselineConfidence());
    this.lower = watchLower ? new BernoulliCusum(threshold, settings.tailRatio(), BernoulliCusum.DEFAULT_CAP) : null;
    this.upper = watchUpper ? new BernoulliCusum(threshold, settings.tailRatio(), BernoulliCusum.DEFAULT_CAP) : null;
  }

  /** Learns the baseline first, then watches, adding any alarm to {@code alarms}; NaN (not measured) is skipped. */
  void observe(double value, long frame, List<ChangeAlarm> alarms) {
    if (Double.isNaN(value)) {
      return;
    }
    if (!baseline.complete()) {
      baseline.add(value);
      return;
    }
    watch(lower, baseline.below(value), frame, Direction.DOWN, alarms);
    watch(upper, baseline.above(value), frame, Direction.UP, alarms);
  }

  private void watch(BernoulliCusum cusum, boolean hit, long frame, Direction direction, List<ChangeAlarm> alarms) {
    if (cusum == null || !cusum.observe(hit, baseline.tailRate(), frame)) {
      return;
    }
    alarms.add(new ChangeAlarm(name, direction, frame, cusum.changePoint(), cusum.statistic()));
    // Reset so that one change raises one alarm, not one per frame; a lasting change alarms again later.
    cusum.reset();
  }

  /**
   * True when a value lies outside what the baseline makes usual ({@link TailBaseline#lowestUsual}), on a tail this
   * signal watches; false while the baseline is being learnt and for NaN (every comparison with NaN is false).
   */
  boolean unusual(double value, double widen) {
    return value < lowestUsual(widen) || value > highestUsual(widen);
  }

  /** The lowest usual value ({@link TailBaseline#lowestUsual}); -Infinity while learning or when not watched below. */
  double lowestUsual(double widen) {
    return lower != null && baseline.complete() ? baseline.lowestUsual(widen) : Double.NEGATIVE_INFINITY;
  }

  /** The highest usual value; Infinity while learning or when not watched above. */
  double highestUsual(double widen) {
    return upper != null && baseline.complete() ? baseline.highestUsual(widen) : Double.POSITIVE_INFINITY;
  }

  String name() {
    return name;
  }

  /** How far the tail's CUSUM is towards an alarm (0 to 1); 0 for a tail not watched. */
  double level(Direction direction) {
    BernoulliCusum cusum = direction == Direction.DOWN ? lower : upper;
    return cusum == null ? 0.0 : cusum.level();
  }

  void restart() {
    baseline.clear();
    if (lower != null) {
      lower.reset();
    }
    if (upper != null) {
      upper.reset();
    }
  }
  void save(DataOutput out) throws IOException {
    baseline.save(out);
    out.writeBoolean(lower != null);
    out.writeBoolean(upper != null);
    if (lower != null) {
      lower.save(out);
    }
    if (upper != null) {
      upper.save(out);
    }
  }

  void restore(DataInput in) throws IOException {
    baseline.restore(in);
    if (in.readBoolean() != (lower != null) || in.readBoolean() != (upper != null)) {
      throw new IOException("the tails of " + name + " saved are not the ones watched");
    }
    if (lower != null) {
      lower.restore(in);
    }
    if (upper != null) {
      upper.restore(in);
    }
  }

}
