package io.labelstream.review;

import io.labelstream.platform.config.Env;
import io.labelstream.platform.model.ModelFolder;
import io.labelstream.platform.model.ModelIdentity;
import io.labelstream.review.policy.BandCounts;
import io.labelstream.review.policy.OutcomeLedger;
import io.labelstream.review.policy.PolicyDecision;
import io.labelstream.review.policy.PolicyService;
import io.labelstream.review.policy.PolicySettings;
import io.labelstream.review.policy.ScoreGrid;
import io.labelstream.review.policy.ThresholdController;
import io.labelstream.review.policy.ValidationEvidence;
import io.labelstream.review.policy.regime.CameraKey;
import io.labelstream.review.policy.regime.DriftEvent;
import io.labelstream.review.policy.regime.RegimePolicy;
import io.labelstream.review.policy.regime.RegimeSettings;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * What tools outside the service (the evaluation) may use of review: the threshold controller and the outcome
 * ledger that set the routing policy, replayed on a stream the tool makes up. Tools go through this class, never the
 * packages behind it, so those stay free to change (the boundaries test holds them to it).
 */
public final class ReviewToolkit {

  /** The accuracy targets the controller works to. */
  public record Targets(double target, double confidence, double classTarget, double validationWeight) {}

  /**
   * One decision of the controller: the per-class thresholds, and the overall model-label accuracy it estimates
   * with its published lower bounds, on the rate and for the labels written.
   */
  public record Policy(List<Double> thresholds, double estimate, double lowerBound, double writtenBound,
      boolean validationTrusted) {

    static Policy of(PolicyDecision decision) {
      return new Policy(decision.thresholds(), decision.overall().estimate(), decision.overall().lowerBound(),
          decision.overall().writtenBound(), decision.validationTrusted());
    }
  }

  private final ThresholdController.Settings settings;
  /** Null for a model without validation predictions. */
  private final BandCounts validation;
  private final int classes;
  /** The thresholds the controller may choose: a classifier's or a detector's ({@link ScoreGrid#forTask}). */
  private final ScoreGrid grid;
  /** How a drift-aware stream meets a detected change. */
  private final RegimeSettings regimes;

  private ReviewToolkit(ThresholdController.Settings settings, BandCounts validation, int classes, ScoreGrid grid,
      RegimeSettings regimes) {
    this.settings = settings;
    this.validation = validation;
    this.classes = classes;
    this.grid = grid;
    this.regimes = regimes;
  }

  /**
   * The controller as the review service sets it up from {@code env} for this model: from its validation
   * predictions when it has them ({@code <model>.validation.csv}), closed until the stream earns it otherwise.
   */
  public static ReviewToolkit fromEnvironment(Env env, ModelFolder model, int classes) throws IOException {
    PolicySettings settings = PolicySettings.from(env);
    return new ReviewToolkit(settings.controllerSettings(), read(model, classes), classes, ScoreGrid.standard(),
        settings.regime());
  }

  /**
   * The controller as the review service sets it up from {@code env} for this model, classifier or detector: its
   * routing classes (a detector's one, "frame"), its validation evidence ({@code <model>.validation.csv} or
   * {@code <model>.validation.jsonl}) and its target ({@code target} when given, else as the service chooses it).
   */
  public static ReviewToolkit forModel(Env env, ModelFolder model, ModelIdentity identity, OptionalDouble target)
      throws IOException {
    PolicySettings settings = PolicySettings.forModel(env, model, identity);
    if (target.isPresent()) {
      settings = settings.withTarget(target.getAsDouble());
    }
    return new ReviewToolkit(settings.controllerSettings(), PolicyService.validationEvidence(model, identity),
        PolicyService.routingClasses(identity).size(), ScoreGrid.forTask(identity.task()), settings.regime());
  }

  /** The controller with the default settings for {@code target} at {@code confidence}. */
  public static ReviewToolkit withTargets(double target, double confidence, InputStream validationCsv, int classes)
      throws IOException {
    return new ReviewToolkit(ThresholdController.Settings.defaults(target, confidence),
        ValidationEvidence.read(validationCsv, classes, ScoreGrid.standard()), classes, ScoreGrid.standard(),
        RegimeSettings.defaults());
  }

  /** The controller with the default settings, for a model without validation predictions. */
  public static ReviewToolkit withoutValidation(double target, double confidence, int classes) {
    return new ReviewToolkit(ThresholdController.Settings.defaults(target, confidence), null, classes,
        ScoreGrid.standard(), RegimeSettings.defaults());
  }

  private static BandCounts read(ModelFolder model, int classes) throws IOException {
    Optional<byte[]> csv = model.validationPredictions();
    return csv.isEmpty() ? null
        : ValidationEvidence.read(new ByteArrayInputStream(csv.get()), classes, ScoreGrid.standard());
  }

  /** The same controller with another validation weight: what {@code evaluate --drift --recheck} compares. */
  public ReviewToolkit withValidationWeight(double validationWeight) {
    return new ReviewToolkit(settings.withValidationWeight(validationWeight), validation, classes, grid, regimes);
  }

  /** How a drift-aware stream of this toolkit meets a detected change. */
  RegimeSettings regimes() {
    return regimes;
  }

  /** True when the controller starts from validation predictions, false when it starts closed. */
  public boolean hasValidation() {
    return validation != null;
  }

  public Targets targets() {
    return new Targets(settings.target(), settings.confidence(), settings.classTarget(), settings.validationWeight());
  }

  /** A fresh controller and ledger, as a review service starting on an empty stream has. */
  public PolicyStream newStream() {
    return new PolicyStream();
  }

  /** A drift-aware stream with the review service's regime settings (read from the environment where it was). */
  public DriftStream newDriftStream() {
    return new DriftStream(new RegimePolicy(settings, regimes, grid, validation, classes));
  }

  /**
   * What a camera's next frame is routed with.
   *
   * @param auditRate the least share of model labels to audit (0: the worker's own rate)
   */
  public record CameraRoute(List<Double> thresholds, double auditRate, int regime) {}

  /**
   * A change the policy detected.
   *
   * @param scope "all" or the camera ({@code device/camera})
   * @param recalledLabels model labels written since the change point that went back to people
   */
  public record Change(int regime, String scope, String signal, String direction, long detectedAtFrame,
      long changePointFrame, int recalledLabels) {

    static Change of(DriftEvent event) {
      return new Change(event.regime(), event.scope(), event.signal(), event.direction(), event.detectedAtFrame(),
          event.changePointFrame(), event.recalledLabels());
    }
  }

  /**
   * The drift-aware policy's decision: the common regime's policy and the bound of every camera on a regime of its
   * own, the cumulative bound over every model label so far, and the changes detected.
   */
  public record DriftPolicy(Policy common, Map<String, Policy> cameras, double cumulativeLowerBound,
      List<Change> changes) {}

  /**
   * One stream through the drift-aware policy, as the review service runs it: each camera watched for change, a
   * regime of its own for a camera that changed alone, a new common regime when every camera did.
   */
  public static final class DriftStream {

    private final RegimePolicy policy;

    private DriftStream(RegimePolicy policy) {
      this.policy = policy;
    }

    public CameraRoute route(String deviceId, String cameraId) {
      RegimePolicy.Route route = policy.route(new CameraKey(deviceId, cameraId));
      return new CameraRoute(route.thresholds(), route.auditRate(), route.regime());
    }

    /** True when the frame is too unlike its camera's baseline for the model to label it, whatever its score. */
    public boolean unusual(String deviceId, String cameraId, double[] statistics) {
      return policy.unusual(new CameraKey(deviceId, cameraId), statistics);
    }

    /**
     * A frame was routed.
     *
     * @param statistics brightness, contrast, sharpness, colourfulness of the decoded frame (NaN where unknown)
     * @return the change it revealed, if any (the service then decides and publishes at once)
     */
    public Optional<Change> routed(String frameId, String deviceId, String cameraId, double score,
        double[] statistics, int predictedClass, boolean toModel, boolean audited) {
      return policy.routed(frameId, new CameraKey(deviceId, cameraId), score, statistics, predictedClass, toModel,
          audited).map(Change::of);
    }

    /** A person answered a review or audit task of the frame. */
    public Optional<Change> answered(String frameId, int humanClass) {
      return policy.answered(frameId, humanClass).map(Change::of);
    }

    /** The frames whose model labels detected changes sent back to people since the last call, each once. */
    public List<String> takeRecalled() {
      return policy.takeRecalled();
    }

    public DriftPolicy decide() {
      RegimePolicy.Decision decision = policy.decide();
      Map<String, Policy> cameras = new java.util.LinkedHashMap<>();
      decision.cameras().forEach((key, regime) -> cameras.put(key.text(), Policy.of(regime.decision())));
      return new DriftPolicy(Policy.of(decision.common().decision()), cameras, decision.cumulativeLowerBound(),
          decision.events().stream().map(Change::of).toList());
    }
  }

  /** One stream: what was routed and answered, and the policies the controller decides from it. */
  public final class PolicyStream {

    private final ThresholdController controller;
    private final OutcomeLedger ledger;

    private PolicyStream() {
      controller = new ThresholdController(settings, grid, validation, classes);
      ledger = new OutcomeLedger(classes, grid);
    }

    /** The policy before any frame was seen. */
    public Policy initial() {
      return Policy.of(controller.decide(ledger.snapshot(), 0, 0));
    }

    /** A frame was routed: to the model ({@code toModel}), and if so perhaps also to people as an audit. */
    public void routed(String frameId, double score, int predictedClass, boolean toModel, boolean audited) {
      ledger.routed(frameId, score, predictedClass, toModel, audited);
    }

    /** A person answered a review or audit task of the frame. */
    public void answered(String frameId, int humanClass) {
      ledger.answered(frameId, humanClass);
    }

    /** The controller's decision on everything routed and answered so far. */
    public Policy decide() {
      return Policy.of(controller.decide(ledger.snapshot(), ledger.audits(), ledger.auditsAnswered(), ledger.frames()));
    }
  }
}
