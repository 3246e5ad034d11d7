package io.labelstream.tools.evaluate.drift;

import io.labelstream.inference.InferenceToolkit;
import io.labelstream.review.ReviewToolkit;
import io.labelstream.tools.evaluate.HindsightOracle;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Predicate;

/**
 * One seeded stream of a drift scenario through the production drift-aware policy ({@link ReviewToolkit.DriftStream}),
 * with a simulated reviewer who answers every review and audit task with the true class, and the same stream through
 * the plain policy (no change detection) for comparison.
 */
final class DriftStreamRun {

  /** The policy is recomputed every this many frames, and at once when a change is detected. */
  static final int RECOMPUTE_EVERY = 200;
  /** The share targets count from here: the policy has settled. */
  static final int WARMUP = 2_000;

  /**
   * What one stream produced.
   *
   * @param labelledAfterChange model labels on changed cameras after the change began that stand at the end: written,
   *     not recalled by a detected change and not audited (an audit's answer becomes the frame's final label)
   * @param correctAfterChange how many of them were right
   * @param writtenAfterChange model labels written on changed cameras after the change began, recalled or not
   * @param correctWrittenAfterChange how many of them were right
   * @param recalled model labels detected changes sent back to people (the simulated reviewer answers them)
   * @param labelledBeforeReaction of those, the ones written before the first change detected on a changed camera
   *     (all of them when none was)
   * @param falseAlarms changes detected where there was none: before the change, or on a camera that did not change
   * @param currentBound the published bound for the labels written in the regime the changed camera (camera 0) is
   *     routed in at the end
   * @param currentRealised the realised accuracy of the model labels written in that regime
   * @param share model-labelled share of the frames after {@link #WARMUP}
   * @param plainShare the same with the plain policy (no change detection) on the same frames, audited alike; NaN (not
   *     run) when the scenario changes
   * @param oracleShare the largest share one hindsight threshold could label there at the target
   * @param secondCameraShare the share of camera 1 (the one that does not change in ONE_OF_TWO) after the ordinary
   *     frames; NaN with one camera
   * @param audits audit tasks over all frames
   * @param extraAuditShare audits in regimes a change started beyond the base rate, over those regimes' frames
   */
  record Result(long seed, int frames, int labelledAfterChange, int correctAfterChange, int writtenAfterChange,
      int correctWrittenAfterChange, int recalled, int labelledBeforeReaction,
      int changesDetected, int falseAlarms, double currentBound, double currentRealised, double share,
      double plainShare, double oracleShare, double secondCameraShare, int audits, double extraAuditShare) {

    /** The accuracy of the model labels that stand after the change (1 when none does). */
    double realisedAfterChange() {
      return labelledAfterChange == 0 ? 1.0 : (double) correctAfterChange / labelledAfterChange;
    }

    /** The same counting every model label as written, before any recall. */
    double writtenAccuracyAfterChange() {
      return writtenAfterChange == 0 ? 1.0 : (double) correctWrittenAfterChange / writtenAfterChange;
    }

    double auditShare() {
      return (double) audits / frames;
    }
  }

  private record Frame(int image, int camera, DriftRow row) {

    int label() {
      return row.label();
    }
  }

  private final ReviewToolkit policies;
  private final DriftPredictions data;
  private final double baseAuditRate;
  private final double target;

  DriftStreamRun(ReviewToolkit policies, DriftPredictions data, double baseAuditRate) {
    this.policies = policies;
    this.data = data;
    this.baseAuditRate = baseAuditRate;
    this.target = policies.targets().target();
  }

  /** The same streams through the policy with another validation weight. */
  DriftStreamRun withValidationWeight(double validationWeight) {
    return new DriftStreamRun(policies.withValidationWeight(validationWeight), data, baseAuditRate);
  }

  double target() {
    return target;
  }

  /** The images of one half of the split (it halves the images the cache holds). */
  List<Integer> images(DriftSplit split) {
    return split.images(data.clean().size());
  }

  /** One stream per seed. */
  List<Result> runAll(DriftScenario scenario, List<Integer> images, List<Long> seeds) {
    return seeds.stream().map(seed -> run(scenario, images, seed)).toList();
  }

  Result run(DriftScenario scenario, List<Integer> images, long seed) {
    List<Frame> frames = frames(scenario, images, seed);
    ReviewToolkit.DriftStream stream = policies.newDriftStream();
    ReviewToolkit.DriftPolicy policy = stream.decide();
    int cameras = scenario.cameras().count();
    int[] regimeOf = new int[frames.size()];
    boolean[] toModelAt = new boolean[frames.size()];
    boolean[] changedAt = new boolean[frames.size()];
    boolean[] auditedAt = new boolean[frames.size()];
    int recalled = 0;
    int labelledAfter = 0;
    int correctAfter = 0;
    int beforeReaction = 0;
    boolean reacted = false;
    int detected = 0;
    int falseAlarms = 0;
    int audits = 0;
    long[] regimeFrames = new long[64];
    long[] regimeAudits = new long[64];
    long[] regimeLabels = new long[64];
    int steadyFrames = 0;
    int steadyLabelled = 0;
    for (int i = 0; i < frames.size(); i++) {
      Frame f = frames.get(i);
      String device = "device-" + f.camera();
      String frameId = frameId(seed, i);
      ReviewToolkit.CameraRoute route = stream.route(device, null);
      boolean toModel = f.row().score() >= route.thresholds().get(f.row().predicted())
          && !stream.unusual(device, null, statistics(f.row()));
      boolean audited = toModel && auditDraw(Math.max(baseAuditRate, route.auditRate())).test(frameId);
      regimeOf[i] = route.regime();
      toModelAt[i] = toModel;
      auditedAt[i] = audited;
      int slot = Math.min(route.regime(), regimeFrames.length - 1);
      regimeFrames[slot]++;
      regimeAudits[slot] += audited ? 1 : 0;
      regimeLabels[slot] += toModel ? 1 : 0;
      audits += audited ? 1 : 0;
      boolean changed = scenario.drifts() && i >= DriftScenario.ORDINARY_FRAMES && scenario.cameras().changes(f.camera());
      changedAt[i] = changed;
      if (changed && toModel) {
        labelledAfter++;
        correctAfter += f.row().predicted() == f.label() ? 1 : 0;
        beforeReaction += reacted ? 0 : 1;
      }
      if (f.camera() == 1 && i >= DriftScenario.ORDINARY_FRAMES) {
        steadyFrames++;
        steadyLabelled += toModel ? 1 : 0;
      }
      List<ReviewToolkit.Change> changes = new ArrayList<>();
      stream.routed(frameId, device, null, f.row().score(), statistics(f.row()), f.row().predicted(), toModel, audited)
          .ifPresent(changes::add);
      if (!toModel || audited) {
        stream.answered(frameId, f.label()).ifPresent(changes::add);
      }
      // a recalled label goes back to people: the simulated reviewer's answer (the truth) supersedes it
      for (String id : stream.takeRecalled()) {
        int at = Integer.parseInt(id.substring(id.lastIndexOf('-') + 1));
        toModelAt[at] = false;
        recalled++;
      }
      for (ReviewToolkit.Change change : changes) {
        detected++;
        boolean real = scenario.drifts() && i >= DriftScenario.ORDINARY_FRAMES
            && (change.scope().equals("all") || scenario.cameras().changes(cameraOf(change.scope())));
        falseAlarms += real ? 0 : 1;
        reacted |= real;
      }
      if (!changes.isEmpty() || (i + 1) % RECOMPUTE_EVERY == 0) {
        policy = stream.decide();
      }
    }
    int standing = 0;
    int rightStanding = 0;
    for (int i = 0; i < frames.size(); i++) {
      if (changedAt[i] && toModelAt[i] && !auditedAt[i]) {
        standing++;
        rightStanding += frames.get(i).row().predicted() == frames.get(i).label() ? 1 : 0;
      }
    }
    int finalRegime = stream.route("device-0", null).regime();
    ReviewToolkit.Policy current = policy.cameras().getOrDefault("device-0", policy.common());
    int inRegime = 0;
    int rightInRegime = 0;
    int after = 0;
    int afterLabelled = 0;
    for (int i = 0; i < frames.size(); i++) {
      Frame f = frames.get(i);
      if (toModelAt[i] && regimeOf[i] == finalRegime) {
        inRegime++;
        rightInRegime += f.row().predicted() == f.label() ? 1 : 0;
      }
      if (i >= WARMUP) {
        after++;
        afterLabelled += toModelAt[i] ? 1 : 0;
      }
    }
    long changedFrames = 0;
    double extraAudits = 0;
    for (int r = 1; r < regimeFrames.length; r++) {
      changedFrames += regimeFrames[r];
      extraAudits += regimeAudits[r] - baseAuditRate * regimeLabels[r];
    }
    List<Frame> tail = frames.subList(WARMUP, frames.size());
    return new Result(seed, frames.size(), standing, rightStanding, labelledAfter, correctAfter, recalled,
        beforeReaction, detected, falseAlarms,
        current.writtenBound(), inRegime == 0 ? 1.0 : (double) rightInRegime / inRegime, (double) afterLabelled / after,
        scenario.drifts() ? Double.NaN : plainShare(frames, seed), oracleShare(tail),
        steadyFrames == 0 ? Double.NaN : (double) steadyLabelled / steadyFrames,
        audits, changedFrames == 0 ? 0.0 : Math.max(0, extraAudits) / changedFrames);
  }

  private static double[] statistics(DriftRow row) {
    InferenceToolkit.FrameStatistics s = row.statistics();
    return new double[] {s.brightness(), s.contrast(), s.sharpness(), s.colourfulness(), s.jpegQuality()};
  }

  private static int cameraOf(String scope) {
    return Integer.parseInt(scope.substring(scope.lastIndexOf('-') + 1));
  }

  private Predicate<String> auditDraw(double rate) {
    return InferenceToolkit.auditDraw(rate);
  }

  /**
   * A frame's id, which also draws its audit ({@link #auditDraw}): the plain policy's run uses the same ids, so both
   * runs audit the same frames and their difference is the policies', not two audit samples'. (With ids of its own
   * the two shares of the same unchanged stream differed by up to 3.7 points either way, and the mean difference was
   * 0.90 points where the paired one is 0.48.)
   */
  private static String frameId(long seed, int position) {
    return "drift-" + seed + "-" + position;
  }

  /** The share after {@link #WARMUP} of the plain policy, which pools the whole stream and watches no camera. */
  private double plainShare(List<Frame> frames, long seed) {
    ReviewToolkit.PolicyStream stream = policies.newStream();
    ReviewToolkit.Policy policy = stream.initial();
    Predicate<String> audit = auditDraw(baseAuditRate);
    int labelled = 0;
    for (int i = 0; i < frames.size(); i++) {
      Frame f = frames.get(i);
      String frameId = frameId(seed, i);
      boolean toModel = f.row().score() >= policy.thresholds().get(f.row().predicted());
      boolean audited = toModel && audit.test(frameId);
      stream.routed(frameId, f.row().score(), f.row().predicted(), toModel, audited);
      if (!toModel || audited) {
        stream.answered(frameId, f.label());
      }
      if (i >= WARMUP && toModel) {
        labelled++;
      }
      if ((i + 1) % RECOMPUTE_EVERY == 0) {
        policy = stream.decide();
      }
    }
    return (double) labelled / (frames.size() - WARMUP);
  }

  /** The largest share one single threshold could have labelled on these frames at the target, with hindsight. */
  private double oracleShare(List<Frame> frames) {
    return HindsightOracle.share(frames, f -> f.row().score(), f -> f.row().correct(), target);
  }

  /**
   * The stream's frames: the images shuffled by the seed, camera by position (alternating), each frame's prediction
   * at the change's step for its position; a class-mix change instead draws the later frames with the hard classes
   * weighted up.
   */
  private List<Frame> frames(DriftScenario scenario, List<Integer> images, long seed) {
    List<Integer> order = new ArrayList<>(images);
    Random random = new Random(seed);
    Collections.shuffle(order, random);
    if (scenario.kind() == DriftKind.CLASS_MIX) {
      order = ClassMix.reorder(order, scenario, image -> data.clean().get(image).label(), random);
    }
    int cameras = scenario.cameras().count();
    List<Frame> frames = new ArrayList<>(order.size());
    for (int i = 0; i < order.size(); i++) {
      int image = order.get(i);
      int camera = i % cameras;
      int step = scenario.cameras().changes(camera) ? scenario.step(i) : 0;
      DriftRow row = scenario.drifts() ? data.rows(scenario.kind(), step).get(image) : data.clean().get(image);
      frames.add(new Frame(image, camera, row));
    }
    return frames;
  }
}
