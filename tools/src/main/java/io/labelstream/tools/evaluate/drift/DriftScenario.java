package io.labelstream.tools.evaluate.drift;

import java.util.ArrayList;
import java.util.List;

/**
 * One way a stream can change: what changes ({@link DriftKind}, or nothing), how much, how fast and on which cameras.
 * Every stream starts with {@link #ORDINARY_FRAMES} unchanged frames; then the change begins.
 *
 * @param kind what changes; null for the stream that does not change
 * @param severity how much, at its full strength; null for the stream that does not change
 * @param gradual false: the whole change at once; true: it grows over {@link #RAMP_FRAMES} frames
 * @param cameras how the stream's frames are spread over cameras and which of them change
 */
record DriftScenario(DriftKind kind, DriftSeverity severity, boolean gradual, Cameras cameras) {

  static final int ORDINARY_FRAMES = 1_000;
  static final int RAMP_FRAMES = 1_500;

  /** One camera; two cameras, frames alternating, of which the first changes; or two that both change. */
  enum Cameras {
    ONE, ONE_OF_TWO, BOTH_OF_TWO;

    int count() {
      return this == ONE ? 1 : 2;
    }

    boolean changes(int camera) {
      return this != ONE_OF_TWO || camera == 0;
    }
  }

  static DriftScenario none() {
    return new DriftScenario(null, null, false, Cameras.ONE);
  }

  /** Two cameras, neither changes: what the steady camera of a one-of-two scenario is compared with. */
  static DriftScenario noneOnTwoCameras() {
    return new DriftScenario(null, null, false, Cameras.ONE_OF_TWO);
  }

  boolean drifts() {
    return kind != null;
  }

  /** The step of the change at stream position {@code position} (0 = unchanged). */
  int step(int position) {
    if (kind == null || position < ORDINARY_FRAMES) {
      return 0;
    }
    if (!gradual) {
      return severity.step();
    }
    double progress = Math.min(1.0, (position - ORDINARY_FRAMES + 1) / (double) RAMP_FRAMES);
    return Math.max(1, (int) Math.ceil(progress * severity.step()));
  }

  String name() {
    if (kind == null) {
      return cameras == Cameras.ONE ? "no change" : "no change, " + cameras.count() + " cameras";
    }
    String what = kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + " "
        + severity.name().toLowerCase(java.util.Locale.ROOT) + (gradual ? " gradual" : " abrupt");
    return switch (cameras) {
      case ONE -> what;
      case ONE_OF_TWO -> what + ", 1 of 2 cameras";
      case BOTH_OF_TWO -> what + ", both cameras";
    };
  }

  /**
   * The suite: no change; every kind at every severity, abrupt and gradual, on one camera; and a severe abrupt
   * change on one of two cameras and on both, which tell a local change from a fleet-wide one.
   */
  static List<DriftScenario> suite() {
    List<DriftScenario> all = new ArrayList<>();
    all.add(none());
    all.add(noneOnTwoCameras());
    for (DriftKind kind : DriftKind.values()) {
      for (DriftSeverity severity : DriftSeverity.values()) {
        for (boolean gradual : List.of(false, true)) {
          all.add(new DriftScenario(kind, severity, gradual, Cameras.ONE));
        }
      }
    }
    for (DriftKind kind : List.of(DriftKind.NOISE, DriftKind.BRIGHTNESS)) {
      all.add(new DriftScenario(kind, DriftSeverity.SEVERE, false, Cameras.ONE_OF_TWO));
      all.add(new DriftScenario(kind, DriftSeverity.SEVERE, false, Cameras.BOTH_OF_TWO));
    }
    return all;
  }
}
