package io.labelstream.review.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelstream.schemas.PolicyThresholds;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The controller on synthetic streams whose truth is known: accuracy rises with the score, so every threshold has
 * a true accuracy the bound can be checked against.
 */
class ThresholdControllerTest {

  private static final int CLASSES = 10;
  private final ScoreGrid grid = ScoreGrid.standard();
  private final ThresholdController.Settings settings = ThresholdController.Settings.defaults(0.99, 0.95);

  /** A frame of a synthetic model: most scores near 1, and P(right) = score^hardness. */
  private record Frame(double score, int predicted, boolean correct) {}

  private static Frame frame(Random random, double hardness, int predicted) {
    double score = 1.0 - 0.5 * Math.pow(random.nextDouble(), 4);
    boolean correct = random.nextDouble() < Math.pow(score, hardness);
    return new Frame(score, predicted, correct);
  }

  private BandCounts validation(Random random, int n) {
    BandCounts counts = new BandCounts(CLASSES, grid.bands());
    for (int i = 0; i < n; i++) {
      Frame f = frame(random, 3, random.nextInt(CLASSES));
      counts.add(f.predicted(), grid.band(f.score()), !f.correct());
    }
    return counts;
  }

  /**
   * Routes one frame as the worker does (audited at the default 2% when the model labels it) and answers it as a
   * reviewer would when it goes to people; true when the model labelled it.
   */
  private static boolean route(OutcomeLedger ledger, PolicyDecision policy, Random random, String frameId, Frame f,
      int classes) {
    boolean toModel = f.score() >= policy.thresholds().get(f.predicted());
    boolean audited = toModel && random.nextDouble() < 0.02;
    ledger.routed(frameId, f.score(), f.predicted(), toModel, audited);
    if (!toModel || audited) {
      ledger.answered(frameId, f.correct() ? f.predicted() : (f.predicted() + 1) % classes);
    }
    return toModel;
  }

  @Test
  void shouldStartFromAGuaranteedThresholdBeforeTheFirstFrame() {
    ThresholdController controller = new ThresholdController(settings, grid, validation(new Random(1), 5_000), CLASSES);

    PolicyDecision start = controller.decide(StreamEvidence.empty(CLASSES, grid), 0, 0);

    assertThat(start.thresholds()).allSatisfy(t -> assertThat(t).isBetween(0.9, 1.0));
    assertThat(start.overall().lowerBound()).isGreaterThanOrEqualTo(0.99);
  }

  @Test
  void shouldStartHigherTheLessAValidationPredictionCounts() {
    BandCounts validation = validation(new Random(1), 5_000);
    StreamEvidence empty = StreamEvidence.empty(CLASSES, grid);

    PolicyDecision half = new ThresholdController(settings.withValidationWeight(0.5), grid, validation, CLASSES)
        .decide(empty, 0, 0);
    PolicyDecision full = new ThresholdController(settings.withValidationWeight(1.0), grid, validation, CLASSES)
        .decide(empty, 0, 0);

    // The same error rate on half the items: a wider bound, so a higher threshold clears the target.
    assertThat(half.overall().lowerBound()).isGreaterThanOrEqualTo(0.99);
    for (int c = 0; c < CLASSES; c++) {
      assertThat(half.thresholds().get(c)).isGreaterThan(full.thresholds().get(c));
    }
  }

  @Test
  void shouldCloseEveryClassWhenThereIsNoEvidenceAtAll() {
    ThresholdController controller = new ThresholdController(settings, grid, null, CLASSES);

    PolicyDecision decision = controller.decide(StreamEvidence.empty(CLASSES, grid), 0, 0);

    assertThat(decision.thresholds()).containsOnly(PolicyThresholds.CLOSED);
  }

  /**
   * A model without validation predictions, in numbers: while the policy is closed every frame goes to people, so
   * each answered frame is a known outcome. With no error among them, the region needs {@code minEvidence} (300)
   * items before it is tested at all, and 300 correct answers put the 95% Clopper-Pearson bound at
   * 1 - (1 - 0.05^(1/300)) = 0.99003, just above the 0.99 target (299 would already clear it, 298 would not).
   */
  @Test
  void shouldOpenAClosedModelAfterExactlyMinEvidenceCorrectAnswersWithoutValidation() {
    assertThat(correctAnswersBeforeOpening(settings)).isEqualTo((int) settings.minEvidence());
    assertThat(1 - ExactBinomial.upperBound(0, 300, 0.95)).isGreaterThan(0.99);
    assertThat(1 - ExactBinomial.upperBound(0, 298, 0.95)).isLessThan(0.99);
  }

  /**
   * With a horizon the same closed model needs more correct answers: the 200 labels ahead may hold at most 2 errors,
   * and after n correct answers 3 errors among the 200 are still plausible at 95% while C(200, 3) / C(n + 200, 3)
   * is at least 0.05, which holds up to n = 341.
   */
  @Test
  void shouldOpenOnlyOnceTheLabelsAheadAreBoundedWithAHorizon() {
    ThresholdController.Settings ahead = settings.withHorizon(new ThresholdController.Horizon(200, 0.95));

    assertThat(correctAnswersBeforeOpening(ahead)).isEqualTo(342);
    assertThat(ExactBinomial.predictedErrorsUpperBound(0, 341, 200, 0.95)).isEqualTo(3);
    assertThat(ExactBinomial.predictedErrorsUpperBound(0, 342, 200, 0.95)).isEqualTo(2);
  }

  /**
   * Answers frames of a closed model without validation (three classes, score 0.9995, every answer right) one at a
   * time until a class opens: how many it took, its bound then at the target. -1 when none opened after 1,000.
   */
  private int correctAnswersBeforeOpening(ThresholdController.Settings with) {
    int classes = 3;
    ThresholdController controller = new ThresholdController(with, grid, null, classes);
    OutcomeLedger ledger = new OutcomeLedger(classes, grid);
    assertThat(controller.decide(ledger.snapshot(), 0, 0).thresholds()).containsOnly(PolicyThresholds.CLOSED);
    for (int i = 0; i < 1_000; i++) {
      ledger.routed("f" + i, 0.9995, i % classes, false, false);
      ledger.answered("f" + i, i % classes);
      PolicyDecision decision = controller.decide(ledger.snapshot(), 0, ledger.frames());
      if (decision.thresholds().stream().anyMatch(t -> t < PolicyThresholds.CLOSED)) {
        assertThat(decision.overall().lowerBound()).isGreaterThanOrEqualTo(0.99);
        return i + 1;
      }
    }
    return -1;
  }

  /**
   * A horizon asks for more evidence while labels are few and costs little once they are many: on the same frames of
   * a model that errs near its thresholds, each controller routing its own stream, the one with a horizon of 200
   * labels opens later; after 40,000 frames its share is within 5% of the other's, and its bound for the labels it
   * wrote is at the target, where the other's (chosen on the rate alone) is below it.
   */
  @Test
  void shouldOpenLaterWithAHorizonAndCostLittleOnceLabelsAreMany() {
    OpenedStream plain = openedStream(settings);
    OpenedStream ahead = openedStream(settings.withHorizon(new ThresholdController.Horizon(200, 0.95)));

    assertThat(plain.firstOpen()).isPositive();
    assertThat(ahead.firstOpen()).isGreaterThan(plain.firstOpen());
    assertThat(ahead.last().overall().modelLabelledShare())
        .isGreaterThanOrEqualTo(0.95 * plain.last().overall().modelLabelledShare());
    assertThat(ahead.last().overall().writtenBound()).isGreaterThanOrEqualTo(0.99);
    assertThat(plain.last().overall().writtenBound()).isLessThan(0.99);
  }

  private record OpenedStream(int firstOpen, PolicyDecision last) {}

  /** 40,000 frames of three classes (P(right) = score^3) routed by a controller without validation. */
  private OpenedStream openedStream(ThresholdController.Settings with) {
    int classes = 3;
    ThresholdController controller = new ThresholdController(with, grid, null, classes);
    OutcomeLedger ledger = new OutcomeLedger(classes, grid);
    Random random = new Random(21);
    PolicyDecision policy = controller.decide(ledger.snapshot(), 0, 0);
    int firstOpen = -1;
    for (int i = 0; i < 40_000; i++) {
      route(ledger, policy, random, "f" + i, frame(random, 3, random.nextInt(classes)), classes);
      if ((i + 1) % 100 == 0) {
        policy = controller.decide(ledger.snapshot(), ledger.audits(), ledger.frames());
        if (firstOpen < 0 && policy.thresholds().stream().anyMatch(t -> t < PolicyThresholds.CLOSED)) {
          firstOpen = i + 1;
        }
      }
    }
    return new OpenedStream(firstOpen, policy);
  }

  /**
   * The same on a model that makes mistakes (P(right) = score^3, most scores near 1, three classes): closed at first,
   * then the classes open at a high threshold once answered frames above it show the target is met, and the model
   * labels what they open for at the target accuracy. Every frame the model does not label is answered, as the
   * review service does; the model-labelled ones are audited at the default 2%.
   */
  @Test
  void shouldEarnThresholdsFromReviewedFramesAndAuditsWithoutValidation() {
    int classes = 3;
    Random random = new Random(11);
    ThresholdController controller = new ThresholdController(settings, grid, null, classes);
    OutcomeLedger ledger = new OutcomeLedger(classes, grid);
    PolicyDecision policy = controller.decide(ledger.snapshot(), 0, 0);
    int firstOpen = -1;
    int modelLabelled = 0;
    int modelCorrect = 0;
    for (int i = 0; i < 10_000; i++) {
      Frame f = frame(random, 3, random.nextInt(classes));
      boolean toModel = route(ledger, policy, random, "f" + i, f, classes);
      if (toModel) {
        modelLabelled++;
        modelCorrect += f.correct() ? 1 : 0;
      }
      if ((i + 1) % 50 == 0) {
        policy = controller.decide(ledger.snapshot(), ledger.audits(), ledger.frames());
        if (firstOpen < 0 && policy.thresholds().stream().anyMatch(t -> t < PolicyThresholds.CLOSED)) {
          firstOpen = i + 1;
        }
      }
    }

    assertThat(policy.validationTrusted()).isFalse();
    assertThat(firstOpen).as("frames answered before the first class opened").isBetween(300, 2_000);
    assertThat(policy.thresholds()).allSatisfy(t -> assertThat(t).isLessThan(PolicyThresholds.CLOSED));
    assertThat(modelLabelled).isGreaterThan(1_000);
    assertThat((double) modelCorrect / modelLabelled).isGreaterThanOrEqualTo(0.99);
  }

  @Test
  void shouldNeverLowerTheThresholdWithoutNewAnswers() {
    Random random = new Random(2);
    ThresholdController controller = new ThresholdController(settings, grid, validation(random, 5_000), CLASSES);
    OutcomeLedger ledger = new OutcomeLedger(CLASSES, grid);
    PolicyDecision before = controller.decide(ledger.snapshot(), 0, 0);

    // Thousands of model-labelled frames but not a single answer: no evidence that lower thresholds are safe.
    for (int i = 0; i < 5_000; i++) {
      Frame f = frame(random, 3, random.nextInt(CLASSES));
      boolean toModel = f.score() >= before.thresholds().get(f.predicted());
      ledger.routed("f" + i, f.score(), f.predicted(), toModel, false);
    }
    PolicyDecision after = controller.decide(ledger.snapshot(), 0, ledger.frames());

    for (int c = 0; c < CLASSES; c++) {
      assertThat(after.thresholds().get(c)).isGreaterThanOrEqualTo(before.thresholds().get(c));
    }
  }

  /**
   * The bound for the labels written counts their own luck: with a hundred labels behind it, an error more than the
   * rate suggests is plausible, so it stands below the rate's bound; with thousands it all but meets it.
   */
  @Test
  void shouldBoundTheLabelsWrittenBelowTheRateWhileTheyAreFewAndAtItOnceTheyAreMany() {
    Random random = new Random(1);
    ThresholdController controller = new ThresholdController(settings, grid, validation(random, 5_000), CLASSES);
    OutcomeLedger ledger = new OutcomeLedger(CLASSES, grid);
    PolicyDecision policy = controller.decide(ledger.snapshot(), 0, 0);
    assertThat(policy.thresholds()).noneMatch(PolicyThresholds::isClosed);
    assertThat(policy.overall().writtenBound()).isEqualTo(policy.overall().lowerBound()); // nothing written yet
    int modelLabelled = 0;
    PolicyDecision few = null;
    for (int i = 0; i < 100_000 && modelLabelled < 20_000; i++) {
      Frame f = frame(random, 3, random.nextInt(CLASSES));
      boolean toModel = route(ledger, policy, random, "f" + i, f, CLASSES);
      modelLabelled += toModel ? 1 : 0;
      if (few == null && modelLabelled == 100) {
        few = controller.decide(ledger.snapshot(), ledger.audits(), ledger.frames());
      }
      if ((i + 1) % 200 == 0) {
        policy = controller.decide(ledger.snapshot(), ledger.audits(), ledger.frames());
      }
    }
    PolicyDecision many = controller.decide(ledger.snapshot(), ledger.audits(), ledger.frames());

    assertThat(modelLabelled).isEqualTo(20_000);
    double fewGap = few.overall().lowerBound() - few.overall().writtenBound();
    double manyGap = many.overall().lowerBound() - many.overall().writtenBound();
    assertThat(fewGap).isGreaterThan(0.001);
    assertThat(manyGap).isBetween(0.0, 0.0002).isLessThan(fewGap / 5);
  }

  @Test
  void shouldRaiseTheThresholdWhenAuditsShowErrorsAndKeepTheBoundHonest() {
    Random random = new Random(3);
    ThresholdController controller = new ThresholdController(settings, grid, validation(random, 5_000), CLASSES);
    OutcomeLedger ledger = new OutcomeLedger(CLASSES, grid);
    PolicyDecision policy = controller.decide(ledger.snapshot(), 0, 0);
    PolicyDecision beforeDrift = policy;
    int modelLabelledAfterDrift = 0;
    int modelCorrectAfterDrift = 0;
    for (int i = 0; i < 10_000; i++) {
      Frame f = frame(random, 3, random.nextInt(CLASSES));
      if (i >= 3_000 && random.nextDouble() < 0.2) {
        f = new Frame(f.score(), f.predicted(), false); // a corrupted image: confidently wrong
      }
      boolean toModel = route(ledger, policy, random, "f" + i, f, CLASSES);
      if (toModel && i >= 3_000) {
        modelLabelledAfterDrift++;
        modelCorrectAfterDrift += f.correct() ? 1 : 0;
      }
      if (i == 2_999) {
        beforeDrift = policy;
      }
      if ((i + 1) % 200 == 0) {
        policy = controller.decide(ledger.snapshot(), ledger.audits(), ledger.frames());
      }
    }

    assertThat(policy.validationTrusted()).isFalse();
    double meanBefore = beforeDrift.thresholds().stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    double meanAfter = policy.thresholds().stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    assertThat(meanAfter).isGreaterThan(meanBefore);
    // The published bound does not claim more than the model labels actually achieved since the drift began.
    double realised = (double) modelCorrectAfterDrift / Math.max(1, modelLabelledAfterDrift);
    assertThat(policy.overall().lowerBound()).isLessThanOrEqualTo(realised);
  }

  @Test
  void shouldRaiseThresholdsInProportionWhenTheStreamIsModeratelyHarderThanValidation() {
    Random random = new Random(5);
    // enough validation for every class to be open at face value at the default weight
    BandCounts validation = validation(random, 10_000);
    ThresholdController controller = new ThresholdController(settings, grid, validation, CLASSES);
    PolicyDecision atFaceValue = new ThresholdController(settings, grid, validation, CLASSES)
        .decide(StreamEvidence.empty(CLASSES, grid), 0, 0);
    OutcomeLedger ledger = new OutcomeLedger(CLASSES, grid);
    PolicyDecision policy = controller.decide(ledger.snapshot(), 0, 0);
    int modelLabelled = 0;
    int modelCorrect = 0;
    int laterModelLabelled = 0;
    int laterModelCorrect = 0;
    for (int i = 0; i < 10_000; i++) {
      // Twice validation's error rate at every score: a shifted stream, not a broken model.
      Frame f = frame(random, 6, random.nextInt(CLASSES));
      boolean toModel = route(ledger, policy, random, "f" + i, f, CLASSES);
      if (toModel) {
        modelLabelled++;
        modelCorrect += f.correct() ? 1 : 0;
        laterModelLabelled += i >= 5_000 ? 1 : 0;
        laterModelCorrect += i >= 5_000 && f.correct() ? 1 : 0;
      }
      if ((i + 1) % 200 == 0) {
        policy = controller.decide(ledger.snapshot(), ledger.audits(), ledger.frames());
      }
    }

    assertThat(policy.validationTrusted()).as("the shift is detected").isFalse();
    for (int c = 0; c < CLASSES; c++) {
      assertThat(policy.thresholds().get(c)).isGreaterThan(atFaceValue.thresholds().get(c)).isLessThan(1.0);
    }
    assertThat(laterModelLabelled).as("the model keeps labelling: no class is closed over a moderate shift")
        .isGreaterThan(1_000);
    assertThat((double) modelCorrect / modelLabelled).isGreaterThanOrEqualTo(0.99);
    // Once the shift is measured, the published bound does not claim more than the model labels achieve.
    assertThat((double) laterModelCorrect / laterModelLabelled).isGreaterThanOrEqualTo(policy.overall().lowerBound());
  }

  @Test
  void shouldGiveAHardClassItsOwnHigherThreshold() {
    Random random = new Random(4);
    BandCounts validation = new BandCounts(CLASSES, grid.bands());
    for (int i = 0; i < 20_000; i++) {
      int predicted = random.nextInt(CLASSES);
      // Class 6 is much harder than the rest at the same score.
      Frame f = frame(random, predicted == 6 ? 25 : 2, predicted);
      validation.add(predicted, grid.band(f.score()), !f.correct());
    }
    ThresholdController controller = new ThresholdController(settings, grid, validation, CLASSES);

    PolicyDecision decision = controller.decide(StreamEvidence.empty(CLASSES, grid), 0, 0);

    assertThat(decision.thresholds().get(6)).isGreaterThan(decision.thresholds().get(0));
    assertThat(decision.perClass().get(6).estimate()).isGreaterThanOrEqualTo(0.97);
    assertThat(decision.overall().lowerBound()).isGreaterThanOrEqualTo(0.99);
  }

  /** Validation of a few classes, each with its own hardness (0: always right). */
  private BandCounts validationOf(Random random, int n, double... hardness) {
    BandCounts counts = new BandCounts(hardness.length, grid.bands());
    for (int i = 0; i < n; i++) {
      int predicted = random.nextInt(hardness.length);
      Frame f = frame(random, hardness[predicted], predicted);
      counts.add(predicted, grid.band(f.score()), !f.correct());
    }
    return counts;
  }

  @Test
  void shouldGiveAnEasyClassAThresholdBelowTheCommonOne() {
    // Class 0 is always right; class 1 errs near its threshold but keeps its class target there, so it stays at
    // the common threshold and class 0 earns the next step below it.
    BandCounts validation = validationOf(new Random(6), 10_000, 0, 3);
    ThresholdController controller = new ThresholdController(settings, grid, validation, 2);
    OutcomeLedger ledger = new OutcomeLedger(2, grid);
    Random random = new Random(7);
    PolicyDecision policy = controller.decide(ledger.snapshot(), 0, 0);
    for (int i = 0; i < 4_000; i++) {
      Frame f = frame(random, 0, 0); // the stream agrees: class 0 is always right
      boolean toModel = f.score() >= policy.thresholds().get(0);
      boolean audited = toModel && random.nextDouble() < 0.02;
      ledger.routed("f" + i, f.score(), 0, toModel, audited);
      if (!toModel || audited) {
        ledger.answered("f" + i, 0);
      }
    }
    policy = controller.decide(ledger.snapshot(), ledger.audits(), ledger.frames());

    assertThat(policy.perClass().get(1).estimate()).isGreaterThanOrEqualTo(0.97);
    assertThat(grid.indexAtOrAbove(policy.thresholds().get(0)))
        .as("one grid step below class 1's, the common threshold")
        .isEqualTo(grid.indexAtOrAbove(policy.thresholds().get(1)) + 1);
    assertThat(policy.overall().lowerBound()).isGreaterThanOrEqualTo(0.99);
  }

  @Test
  void shouldNeverLowerAHardClassBelowItsClassTarget() {
    // Five classes always right, four ordinary, and class 9 far harder: the last row of the walk lowers every class
    // but class 9 below the common threshold, class 9 must end above it with its class target kept, and the whole
    // region keeps the target.
    BandCounts validation = validationOf(new Random(8), 30_000, 0, 0, 0, 0, 0, 2, 2, 2, 2, 25);
    ThresholdController controller = new ThresholdController(settings, grid, validation, CLASSES);

    PolicyDecision decision = controller.decide(StreamEvidence.empty(CLASSES, grid), 0, 0);

    assertThat(decision.thresholds().get(9)).isGreaterThan(decision.thresholds().get(0));
    for (int c = 0; c < CLASSES; c++) {
      assertThat(decision.thresholds().get(c)).isLessThan(PolicyThresholds.CLOSED);
      assertThat(decision.perClass().get(c).estimate()).as("class " + c).isGreaterThanOrEqualTo(0.97);
    }
    assertThat(decision.overall().lowerBound()).isGreaterThanOrEqualTo(0.99);
  }
}
