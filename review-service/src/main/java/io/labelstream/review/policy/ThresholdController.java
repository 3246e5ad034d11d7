package io.labelstream.review.policy;

import io.labelstream.review.policy.BandCounts.Count;
import io.labelstream.schemas.PolicyThresholds;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Chooses the routing thresholds so that the accuracy of model labels stays at or above the target with the stated
 * confidence, and labels as much as possible without people under that constraint.
 *
 * <h2>The bound</h2>
 * For thresholds λ (one per predicted class) the model labels the region R = {score ≥ λ}. The stream so far splits
 * R into frames that were reviewed (they scored below the threshold in force when routed, so a person answered all
 * of them: their errors e_A among n_A are known exactly) and N_B frames the model labelled, of which a uniform
 * random sample was audited. The error rate of the model-labelled part is bounded by an exact binomial (Clopper-
 * Pearson) upper bound u_B on the audit sample, pooled with the model's labelled validation predictions in R while
 * the stream agrees with them. Then accuracy(R) ≥ 1 − (e_A + N_B·u_B) / (n_A + N_B) with the chosen confidence.
 * Before the stream has enough frames, the validation predictions alone give the bound, so the guarantee holds
 * from the first frame.
 *
 * <p>That bounds the rate: how often the model is right on frames like R's, which is what the thresholds are chosen
 * by. Each decision also publishes a bound for the labels already written in R ({@link
 * PolicyDecision.Accuracy#writtenBound}): their errors are a draw of their own, and for a few hundred labels one or
 * two errors more than the rate suggests are plausible, so the rate's bound is above what they achieve more often
 * than its confidence says (measured on the drift suite: honest in 17-18 of 20 seeds after some changes). The
 * audited labels' errors are known; the others' are bounded by the exact binomial prediction limit.
 *
 * <h2>Labels ahead</h2>
 * A regime a detected change started opens on a few hundred answers and then writes a few hundred labels, and those
 * labels are what its users get: a rate bound just at the target leaves one run's labels below it now and then, by
 * their own luck (after a moderate JPEG change, 4 of 20 runs of the drift suite's tuning half; 224 labels with 4
 * errors are 0.982). With a {@link Horizon}, a region is accepted only when the bound for the labels it wrote and the
 * next {@link Horizon#labels} (the prediction bound above, the labels ahead counted as unaudited) clears the target as
 * well. It asks for more evidence the fewer labels there are and fades as they grow; being a count of errors, it is
 * coarse: over 250 labels 0.99 allows 2 errors, so the region's answers must make a third unlikely at 95%.
 *
 * <h2>Validation counts for less than its size</h2>
 * One fixed validation sample backs the bound of every stream, so its luck is shared by all of them: where it
 * happened to see few errors, every stream starts too low and no 95% bound covers that. It also comes from the
 * training distribution, not from the cameras. Each validation prediction therefore counts as {@code
 * validationWeight} of a stream frame (errors and items alike: the same rate, a wider bound). Measured on the test
 * predictions of two models: at weight 1 the v2.0.0 ensemble's bound was honest in 8 of 20 streams (its
 * validation split saw 12 errors in 0.90–0.96 where the test images show about twice the rate); at 0.7 in 20 of
 * 20, for both models, while the share of model labels stays within 5% of the best single cut. Re-checked on the
 * drift suite's tuning half (docs/drift-recheck.md), the rule there (honest on the unchanged streams, then on the
 * most changes the detectors miss) picked 0.5, at about 0.8 points less share, and 0.5 is the default. (What held it
 * back was not the weight's: two regime policy tests failed at 0.5 on a pooled alarm blamed on the fleet, which
 * happened about once in 100 synthetic streams at either weight and is fixed; and this class's moderate-shift test
 * built a validation set too small for a class to open at face value.)
 *
 * <h2>Many thresholds, one guarantee</h2>
 * Candidate regions are tested along one sequence fixed before the stream's labels are seen (Learn-then-Test
 * fixed-sequence testing). It starts at the first common threshold whose region holds at least {@code minEvidence}
 * items (a rule that looks at counts, never at labels) and goes on row by row: row j lowers the classes one at a
 * time by one grid step, from band j − 1 to band j, in an order fixed when the controller is built (most accurate on
 * the validation predictions first; by class index without them), so every row ends at the common threshold j.
 * Each region is accepted while its lower bound is at or above the target, and the walk stops at the first
 * failure. Since the sequence does not depend on the stream and nothing after the first failure is tested, a wrong
 * acceptance needs the first region of the sequence whose true accuracy is below the target to pass its own test,
 * which happens with probability at most 1 − confidence: the family-wise error stays at 1 − confidence without a
 * multiplicity correction. The walk usually ends inside a row, so the classes early in the order (the easy ones)
 * sit one grid step below the last common threshold that passed, the others at it.
 *
 * <p>Why not first choose the common threshold and then lower classes from there, skipping a class that misses its
 * class target? The common walk ends with a failure, and tests after a failure are not covered: each place it
 * could stop would start another continuation, each with its own chance of a wrong acceptance, so the error would
 * add up over the stopping points. Skipping on a class's estimate would make the path depend on the labels in the
 * same way. So the class target is no part of the walk; it is kept by raising afterwards (below). The price: an
 * inner step of an earlier row that fails stops the walk before the common threshold a walk over common thresholds
 * alone would reach; with the easy classes first an inner region is usually at least as accurate as its row's end,
 * and the measured figures did not fall (docs/label-quality.md). Over the 1,020 decisions of {@code ./labelstream
 * evaluate}'s 20 streams, 979 put some class below where a walk over common thresholds alone stops and 41 stopped
 * one or two steps above it. The order reads only each class's error rate over all its validation predictions, which
 * also enter the bound at reduced weight (a weak dependence on data the bound uses, noted here rather than hidden).
 *
 * <h2>Per class</h2>
 * After the walk, every class whose estimated accuracy at its threshold is below the class target gets its own,
 * higher threshold (or is closed), lowered classes included, so no class is sacrificed to the average; the overall
 * bound is then recomputed for the final thresholds, and if it misses the target the walk's last accepted region
 * stands.
 *
 * <h2>Drift and shift</h2>
 * If the audited or reviewed frames show significantly more errors than the validation predictions in the same
 * score bands, the validation evidence is no longer taken at face value: from then on its errors count as many
 * times over as the stream's answered frames show more errors than validation predicts for them (the measured
 * shift, re-estimated at every decision), so the thresholds rise in proportion to the shift instead of all at
 * once. Past {@link #MAX_SHIFT} the validation evidence is dropped and only the stream's own answers back the
 * bound; the thresholds rise until enough audits support lower ones. The controller never lowers a threshold
 * without evidence: a lower threshold is chosen only when its lower bound clears the target.
 *
 * <h2>Without validation predictions</h2>
 * A model that comes without them starts closed: every frame goes to people, so every frame is a known outcome.
 * Then the reviewed frames in R also stand, with the audits, for the error rate of the model-labelled part (u_B):
 * they are frames of the same stream in the same score region, reviewed only because they scored below the
 * threshold in force when they arrived, so if anything they err more often than the model-labelled frames above
 * it. The bound is then the sample bound alone, 1 − u(e_A + e_audited, n_A + n_audited), for the model labels: the
 * mixed bound above would count the many reviewed frames' errors exactly and leave almost no margin (measured on the
 * bundled model's test predictions it was above the realised model-label accuracy in 4 of 20 streams). Without
 * this, the few audits of the first model labels (2% of them) were the whole sample: 4 audits bound u_B at 53%, the
 * region failed at the top of the fixed sequence, the model closed again and, labelling nothing, drew no more
 * audits, so it stayed closed for good. With it, a class opens once about {@code minEvidence} answered frames above
 * a threshold clear the target (300 correct answers put the 95% bound at 0.99003) and stays open while the answers
 * and audits keep supporting it. With validation predictions nothing changes.
 */
public final class ThresholdController {

  /**
   * @param target model-label accuracy to guarantee, whole stream (e.g. 0.99)
   * @param confidence confidence of the lower bound (e.g. 0.95)
   * @param classTarget accuracy every class must keep (e.g. 0.97)
   * @param minEvidence items a region must hold before its threshold is tested
   * @param minStreamFrames stream frames in a region before the stream's own data replace the validation-only bound
   * @param driftPValue how surprising the stream's errors must be, under the validation error rates, to stop
   *     trusting the validation evidence
   * @param driftSlack tolerated ratio of stream to validation error rate before drift is tested for
   * @param validationWeight how much of a stream frame one validation prediction counts for, in (0, 1]
   * @param horizon the labels ahead a region's bound must also hold for before it is accepted ({@link Horizon#NONE}:
   *     the bound of the rate alone)
   */
  public record Settings(double target, double confidence, double classTarget, long minEvidence, long minStreamFrames,
      double driftPValue, double driftSlack, double validationWeight, Horizon horizon) {

    public Settings {
      if (!(validationWeight > 0 && validationWeight <= 1)) {
        throw new IllegalArgumentException("validationWeight must be in (0, 1], got " + validationWeight);
      }
      if (horizon == null) {
        throw new IllegalArgumentException("horizon must not be null: Horizon.NONE judges the rate alone");
      }
    }

    public static Settings defaults(double target, double confidence) {
      return new Settings(target, confidence, 0.97, 300, 500, 1e-3, 1.5, DEFAULT_VALIDATION_WEIGHT, Horizon.NONE);
    }

    /** These settings with another confidence (a regime a detected change started bounds itself more strictly). */
    public Settings withConfidence(double newConfidence) {
      return new Settings(target, newConfidence, classTarget, minEvidence, minStreamFrames, driftPValue, driftSlack,
          validationWeight, horizon);
    }

    /** These settings with another validation weight (what the drift recheck compares). */
    public Settings withValidationWeight(double newValidationWeight) {
      return new Settings(target, confidence, classTarget, minEvidence, minStreamFrames, driftPValue, driftSlack,
          newValidationWeight, horizon);
    }

    /** These settings accepting a region only when the labels ahead are bounded too. */
    public Settings withHorizon(Horizon newHorizon) {
      return new Settings(target, confidence, classTarget, minEvidence, minStreamFrames, driftPValue, driftSlack,
          validationWeight, newHorizon);
    }
  }

  /**
   * The labels ahead a region must bound before it is accepted (see "Labels ahead" above).
   *
   * @param labels model labels still to come, beyond those written; 0 for none
   * @param confidence the confidence of their bound: each look at a closed regime could open it on luck, which the
   *     rate's (stricter) confidence guards against; this one is for a run's own luck in the labels it writes
   */
  public record Horizon(long labels, double confidence) {

    /** No labels ahead: a region is accepted on the bound of the rate alone. */
    public static final Horizon NONE = new Horizon(0, 0.95);

    public Horizon {
      if (labels < 0) {
        throw new IllegalArgumentException("the labels ahead must not be negative, got " + labels);
      }
      if (!(confidence > 0 && confidence < 1)) {
        throw new IllegalArgumentException("the horizon's confidence must be within (0, 1), got " + confidence);
      }
    }
  }

  /** See "Validation counts for less than its size" above. */
  public static final double DEFAULT_VALIDATION_WEIGHT = 0.5;

  /** Score bands where validation saw at most this share of errors are where model labels live. */
  public static final double CONFIDENT_BAND_ERROR_RATE = 0.05;

  /** A stream this many times worse than validation in the confident bands is judged on its own answers alone. */
  static final double MAX_SHIFT = 3.0;

  /** Validation rates are pooled over neighbouring score bands until a pool holds this many images. */
  public static final int RATE_POOL_ITEMS = 200;

  private final Settings settings;
  private final ScoreGrid grid;
  private final BandCounts validation;
  private final int classes;
  private final double[] validationRate;
  private final int[] lowering;
  private boolean validationTrusted;
  private boolean drifted;
  private double shift = 1.0;

  /**
   * @param validation the model's labelled validation predictions, or null to rely on the stream alone
   */
  public ThresholdController(Settings settings, ScoreGrid grid, BandCounts validation, int classes) {
    this.settings = settings;
    this.grid = grid;
    this.validation = validation;
    this.classes = classes;
    this.validationTrusted = validation != null;
    this.validationRate = validation == null ? null : pooledBandRates(validation, classes, grid, RATE_POOL_ITEMS);
    this.lowering = loweringOrder(validation, classes, grid);
  }

  public Settings settings() {
    return settings;
  }

  /** Decides the thresholds for what the stream shows now. Not thread-safe: one caller at a time. */
  public PolicyDecision decide(StreamEvidence stream, long audits, long framesSeen) {
    return decide(stream, audits, 0, framesSeen);
  }

  /** Decides the thresholds; the counts are only reported with the decision. */
  public PolicyDecision decide(StreamEvidence stream, long audits, long auditsAnswered, long framesSeen) {
    if (validation != null && !drifted && streamContradictsValidation(stream)) {
      drifted = true;
    }
    if (drifted) {
      shift = measuredShift(stream);
      validationTrusted = shift <= MAX_SHIFT;
    }
    int[] accepted = walkFixedSequence(stream);
    int[] bands = new int[classes];
    for (int c = 0; c < classes; c++) {
      bands[c] = raiseUntilClassTarget(stream, c, accepted[c]);
    }
    if (region(stream, bands).acceptanceBound() < settings.target()) {
      bands = accepted;
    }
    return describe(stream, bands, audits, auditsAnswered, framesSeen);
  }

  /** Writes what earlier decisions left behind: whether the stream contradicted validation, and the shift since. */
  public void save(DataOutput out) throws IOException {
    out.writeBoolean(drifted);
    out.writeDouble(shift);
    out.writeBoolean(validationTrusted);
  }

  /** Reads back what {@link #save} wrote. */
  public void restore(DataInput in) throws IOException {
    drifted = in.readBoolean();
    shift = in.readDouble();
    validationTrusted = in.readBoolean();
  }

  /**
   * The last region of the fixed sequence whose bound clears the target (band index per class, -1 closed). The
   * sequence starts at the first common threshold whose region holds {@code minEvidence} items; from there each
   * row j lowers the classes one at a time, in {@link #lowering} order, from band j - 1 to band j, so every row ends
   * at the common threshold j. The first failure ends the walk.
   */
  private int[] walkFixedSequence(StreamEvidence stream) {
    int[] walk = new int[classes];
    int[] accepted = new int[classes];
    Arrays.fill(accepted, -1);
    int start = 0;
    Arrays.fill(walk, start);
    while (region(stream, walk).evidenceItems() < settings.minEvidence()) {
      if (++start == grid.size()) {
        return accepted;
      }
      Arrays.fill(walk, start);
    }
    if (region(stream, walk).acceptanceBound() < settings.target()) {
      return accepted;
    }
    accepted = walk.clone();
    for (int j = start + 1; j < grid.size(); j++) {
      for (int c : lowering) {
        walk[c] = j;
        if (region(stream, walk).acceptanceBound() < settings.target()) {
          return accepted;
        }
        accepted = walk.clone();
      }
    }
    return accepted;
  }

  /**
   * The order in which each row of the fixed sequence lowers the classes, fixed before the stream: most accurate on
   * the validation predictions first (ties and no validation: by class index), so the row's last, partly walked
   * step lowers the classes least likely to cost the bound.
   */
  private static int[] loweringOrder(BandCounts validation, int classes, ScoreGrid grid) {
    Comparator<Integer> mostAccurateFirst = Comparator.comparingDouble(
        c -> validation == null ? 0.0 : errorRate(validation.atOrAbove(c, grid.size())));
    return IntStream.range(0, classes).boxed().sorted(mostAccurateFirst).mapToInt(Integer::intValue).toArray();
  }

  /** A class validation never predicted counts as the least accurate: nothing speaks for lowering it early. */
  private static double errorRate(Count count) {
    return count.n() == 0 ? 1.0 : (double) count.errors() / count.n();
  }

  /** The highest band index (lowest threshold) at or above {@code from} where the class keeps its target. */
  private int raiseUntilClassTarget(StreamEvidence stream, int c, int from) {
    int[] only = new int[classes];
    Arrays.fill(only, -1);
    for (int j = from; j >= 0; j--) {
      only[c] = j;
      Region region = region(stream, only);
      if (region.items() == 0 || region.estimate() >= settings.classTarget()) {
        return j;
      }
    }
    return -1;
  }

  private boolean streamContradictsValidation(StreamEvidence stream) {
    return contradicts(stream.audited()) || contradicts(stream.reviewed());
  }

  /**
   * True when the answered frames in the confident score bands (where validation saw at most 5% errors, which is
   * where model labels live) hold significantly more errors than validation predicts for those bands, beyond a
   * tolerated ratio. Low-score bands are left out: their error rates are high anyway and differ between data sets
   * without threatening model labels.
   */
  private boolean contradicts(BandCounts answered) {
    long n = 0;
    long errors = 0;
    double expected = 0;
    for (int b = 0; b < grid.bands(); b++) {
      long validationItems = 0;
      long validationErrors = 0;
      long items = 0;
      long bandErrors = 0;
      for (int c = 0; c < classes; c++) {
        Count band = answered.cell(c, b);
        items += band.n();
        bandErrors += band.errors();
        Count v = validation.cell(c, b);
        validationItems += v.n();
        validationErrors += v.errors();
      }
      if (validationItems == 0 || (double) validationErrors / validationItems > CONFIDENT_BAND_ERROR_RATE) {
        continue;
      }
      n += items;
      errors += bandErrors;
      expected += items * (validationErrors + 0.5) / (validationItems + 1.0);
    }
    if (n == 0 || errors < 3) {
      return false;
    }
    double p0 = Math.min(1.0, settings.driftSlack() * expected / n);
    return ExactBinomial.atLeast(errors, n, p0) < settings.driftPValue();
  }

  /**
   * How many times more errors the stream's answered frames (reviewed and audited alike: within a score band they
   * are exchangeable with the model-labelled ones) hold than the validation error rates of their score bands
   * predict, in the confident bands; never below 1. The ratio is shrunk toward 1 by one pseudo-error on each side
   * ((errors + 1) / (expected + 1)): where validation expects a fraction of an error, a median-unbiased estimate
   * read 0 errors in 120 audits as a five-fold shift and closed the model for nothing.
   */
  private double measuredShift(StreamEvidence stream) {
    long n = 0;
    long errors = 0;
    double expected = 0;
    for (int b = 0; b < grid.bands(); b++) {
      if (validationRate[b] > CONFIDENT_BAND_ERROR_RATE) {
        continue;
      }
      for (int c = 0; c < classes; c++) {
        for (BandCounts answered : List.of(stream.reviewed(), stream.audited())) {
          Count cell = answered.cell(c, b);
          n += cell.n();
          errors += cell.errors();
          expected += cell.n() * validationRate[b];
        }
      }
    }
    if (n == 0) {
      return 1.0;
    }
    return Math.max(1.0, (errors + 1.0) / (expected + 1.0));
  }

  /**
   * The validation error rate of each score band, pooled over neighbouring bands (from the top down) until each
   * pool holds at least {@code minItems} images: narrow bands hold too few for a rate of their own.
   */
  public static double[] pooledBandRates(BandCounts validation, int classes, ScoreGrid grid, int minItems) {
    double[] rates = new double[grid.bands()];
    int start = 0;
    long n = 0;
    long e = 0;
    for (int b = 0; b < grid.bands(); b++) {
      for (int c = 0; c < classes; c++) {
        Count cell = validation.cell(c, b);
        n += cell.n();
        e += cell.errors();
      }
      if (n >= minItems || b == grid.bands() - 1) {
        Arrays.fill(rates, start, b + 1, n == 0 ? 0.0 : (double) e / n);
        start = b + 1;
        n = 0;
        e = 0;
      }
    }
    return rates;
  }

  private PolicyDecision describe(StreamEvidence stream, int[] bands, long audits, long auditsAnswered, long framesSeen) {
    List<Double> thresholds = new ArrayList<>();
    List<PolicyDecision.Accuracy> perClass = new ArrayList<>();
    long streamItems = 0;
    for (int c = 0; c < classes; c++) {
      thresholds.add(bands[c] < 0 ? PolicyThresholds.CLOSED : grid.threshold(bands[c]));
      int[] only = new int[classes];
      Arrays.fill(only, -1);
      only[c] = bands[c];
      Region region = region(stream, only);
      perClass.add(region.accuracy());
      streamItems += totalFrames(stream, c);
    }
    Region overall = region(stream, bands);
    return new PolicyDecision(thresholds, overall.accuracy(), perClass, validation != null && !drifted, audits,
        auditsAnswered, framesSeen);
  }

  private static long totalFrames(StreamEvidence stream, int c) {
    int last = Integer.MAX_VALUE;
    return stream.modelRouted().atOrAbove(c, last).n() + stream.reviewed().atOrAbove(c, last).n();
  }

  /** The evidence about one region: band index per class, -1 for a closed class. */
  private Region region(StreamEvidence stream, int[] bands) {
    Count reviewed = Count.ZERO;
    Count audited = Count.ZERO;
    Count prior = Count.ZERO;
    long modelLabelled = 0;
    long streamFrames = 0;
    for (int c = 0; c < classes; c++) {
      streamFrames += totalFrames(stream, c);
      if (bands[c] < 0) {
        continue;
      }
      reviewed = reviewed.plus(stream.reviewed().atOrAbove(c, bands[c]));
      audited = audited.plus(stream.audited().atOrAbove(c, bands[c]));
      modelLabelled += stream.modelRouted().atOrAbove(c, bands[c]).n();
      if (validationTrusted) {
        prior = prior.plus(validation.atOrAbove(c, bands[c]));
      }
    }
    return new Region(reviewed, audited, prior, shift, modelLabelled, streamFrames, validation == null, settings);
  }

  /**
   * Evidence about one region, and the estimate and bound it supports. The validation errors count {@code shift}
   * times over.
   */
  private record Region(Count reviewed, Count audited, Count prior, double shift, long modelLabelled, long streamFrames,
      boolean reviewedBacksModelLabels, Settings settings) {

    long items() {
      return reviewed.n() + modelLabelled + prior.n();
    }

    /** Items whose labels (known or sampled) stand behind the bound: counted without looking at labels. */
    long evidenceItems() {
      return reviewed.n() + audited.n() + prior.n() + modelLabelled;
    }

    /**
     * True once the stream's own split (reviewed errors known exactly, model-labelled ones bounded by their sample)
     * replaces the sample bound. Never for a model without validation predictions: there the reviewed frames are
     * the sample (see "Without validation predictions" above), and the exact count of their errors would stand for
     * most of the region with no margin at all.
     */
    boolean useStream() {
      return !reviewedBacksModelLabels && reviewed.n() + modelLabelled >= settings.minStreamFrames();
    }

    /**
     * Errors in the sample that stands for the model-labelled frames: validation (weighted and shift-corrected) and
     * audits.
     */
    private double sampleErrors(boolean withReviewed) {
      return prior.errors() * settings.validationWeight() * shift + audited.errors()
          + (withReviewed ? reviewed.errors() : 0);
    }

    private long sampleItems(boolean withReviewed) {
      return Math.round(prior.n() * settings.validationWeight()) + audited.n() + (withReviewed ? reviewed.n() : 0);
    }

    double estimate() {
      if (!useStream()) {
        long n = sampleItems(true);
        return n == 0 ? 0.0 : 1.0 - Math.min(1.0, sampleErrors(true) / n);
      }
      long n = sampleItems(false);
      double rateB = n == 0 ? 0.0 : Math.min(1.0, sampleErrors(false) / n);
      return 1.0 - (reviewed.errors() + modelLabelled * rateB) / (reviewed.n() + modelLabelled);
    }

    double lowerBound() {
      if (!useStream()) {
        return 1.0 - ExactBinomial.upperBound(sampleErrors(true), sampleItems(true), settings.confidence());
      }
      double upperB = modelLabelled == 0 ? 0.0
          : ExactBinomial.upperBound(sampleErrors(false), sampleItems(false), settings.confidence());
      return 1.0 - (reviewed.errors() + modelLabelled * upperB) / (reviewed.n() + modelLabelled);
    }

    /**
     * The same bound for the model labels the region holds (a prediction bound on their errors, {@link
     * ExactBinomial#predictedErrorsUpperBound}): the audited ones' errors are known, the others' predicted from the
     * sample that stands for them (validation and audits; with the reviewed frames where those are the sample), whose
     * weighted error count is rounded up. Lower than {@link #lowerBound} the fewer the labels; with none yet, the
     * labels to come are what it promises and it is the rate's bound.
     */
    double writtenBound() {
      return writtenBound(0, settings.confidence());
    }

    /** The bound a region must clear to be accepted: the rate's, and with a horizon also the labels ahead's. */
    double acceptanceBound() {
      Horizon horizon = settings.horizon();
      return horizon.labels() == 0 ? lowerBound()
          : Math.min(lowerBound(), writtenBound(horizon.labels(), horizon.confidence()));
    }

    /** {@link #writtenBound()} for the labels written and {@code ahead} more, none of them audited. */
    private double writtenBound(long ahead, double confidence) {
      long unaudited = modelLabelled - audited.n() + ahead;
      if (unaudited <= 0) {
        return lowerBound();
      }
      boolean withReviewed = !useStream();
      long predicted = ExactBinomial.predictedErrorsUpperBound((long) Math.ceil(sampleErrors(withReviewed)),
          sampleItems(withReviewed), unaudited, confidence);
      double errors = audited.errors() + predicted;
      long labels = modelLabelled + ahead;
      return withReviewed ? 1.0 - errors / labels : 1.0 - (reviewed.errors() + errors) / (reviewed.n() + labels);
    }

    PolicyDecision.Accuracy accuracy() {
      double share = streamFrames == 0 ? 0.0 : (double) (reviewed.n() + modelLabelled) / streamFrames;
      boolean any = items() > 0;
      return new PolicyDecision.Accuracy(estimate(), any ? lowerBound() : 0.0, any ? writtenBound() : 0.0,
          audited.n(), share);
    }
  }
}
