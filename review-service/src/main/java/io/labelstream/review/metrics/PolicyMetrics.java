package io.labelstream.review.metrics;

import io.labelstream.review.policy.LabelRecall;
import io.labelstream.review.policy.PolicyDecision;
import io.labelstream.review.policy.PolicyService;
import io.labelstream.review.policy.drift.ChangeMonitor;
import io.labelstream.review.policy.regime.RegimePolicy;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The routing policy as meters: the threshold and model-labelled share per class, the overall estimated model-label
 * accuracy and its lower bound, plus the target the bound is held to (so an alert can compare the two without
 * repeating the setting). Read from the latest decision on every scrape.
 *
 * <p>{@code /metrics} is not authenticated, so nothing here counts audit answers or gives per-class accuracy: either
 * moves with single answers and would tell a reviewer the hidden model label of a blind audit (its class's count moves)
 * or whether they agreed with it. Those are for admins, in {@code /v1/stats} and {@code /v1/stats/accuracy}.
 *
 * <p>Drift (issue 16): the drift events by scope kind ({@code all}, or {@code camera} for a camera that changed alone;
 * never the camera's id, which would make a series per camera) and signal, the cameras on a regime of their own, the
 * common regime's number and the cumulative bound over every regime. The bound meters above are the common regime's.
 * The model labels drift events recalled, by what became of them ({@link LabelRecall.Outcome}): counted by the queue
 * leader, which sends them back to people.
 */
public final class PolicyMetrics implements MeterBinder {

  /** The drift events' scope kinds: every camera, or one camera (whichever: its id is not a label value). */
  private static final String SCOPE_ALL = RegimePolicy.ALL_CAMERAS;
  private static final String SCOPE_CAMERA = "camera";

  private final PolicyService policy;
  private final LabelRecall recall;

  public PolicyMetrics(PolicyService policy, LabelRecall recall) {
    this.policy = policy;
    this.recall = recall;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    Tags all = Tags.of("class", "all");
    gauge(registry, "labelstream.review.policy.accuracy.estimate", "Estimated model-label accuracy, all classes", all,
        d -> d.overall().estimate());
    gauge(registry, "labelstream.review.policy.accuracy.lower.bound", "Lower confidence bound on model-label accuracy, "
        + "all classes", all, d -> d.overall().lowerBound());
    gauge(registry, "labelstream.review.policy.accuracy.written.lower.bound", "Lower confidence bound on the accuracy "
        + "of the model labels written at these thresholds (a prediction bound: lower while they are few)", all,
        d -> d.overall().writtenBound());
    gauge(registry, "labelstream.review.policy.model.labelled.share", "Share of frames the thresholds label", all,
        d -> d.overall().modelLabelledShare());
    for (int c = 0; c < policy.classes().size(); c++) {
      int index = c;
      Tags tags = Tags.of("class", policy.classes().get(c));
      Gauge.builder("labelstream.review.policy.threshold", policy, p -> p.latest().thresholds().get(index))
          .description("Routing threshold in force for a predicted class (above 1: closed to model labels)")
          .tags(tags).register(registry);
      gauge(registry, "labelstream.review.policy.model.labelled.share", "Share of frames the thresholds label", tags,
          d -> d.perClass().get(index).modelLabelledShare());
    }
    Gauge.builder("labelstream.review.policy.target.accuracy", policy, p -> p.settings().target())
        .description("Model-label accuracy the policy guarantees (REVIEW_POLICY_TARGET_ACCURACY)").register(registry);
    Gauge.builder("labelstream.review.policy.validation.trusted", policy, p -> p.latest().validationTrusted() ? 1 : 0)
        .description("1 while the stream agrees with the model's validation evidence, 0 after drift").register(registry);
    bindDrift(registry);
  }

  private void bindDrift(MeterRegistry registry) {
    List<String> signals = new ArrayList<>();
    signals.add(ChangeMonitor.SCORE);
    signals.addAll(ChangeMonitor.IMAGE_STATISTICS);
    signals.add(ChangeMonitor.ANSWERED);
    for (String scope : List.of(SCOPE_ALL, SCOPE_CAMERA)) {
      for (String signal : signals) {
        FunctionCounter.builder("labelstream.review.policy.drift.events", policy, p -> p.regimes().events().stream()
                .filter(e -> scopeKind(e.event().scope()).equals(scope) && e.event().signal().equals(signal)).count())
            .description("Changes the policy detected, each starting a regime: scope all (every camera without a "
                + "regime of its own) or camera (one camera that changed alone), and the signal that moved")
            .tags(Tags.of("scope", scope, "signal", signal)).register(registry);
      }
    }
    Gauge.builder("labelstream.review.policy.cameras.own.regime", policy,
            p -> p.regimes().decision().cameras().size())
        .description("Cameras routed on a regime of their own after a change local to them").register(registry);
    Gauge.builder("labelstream.review.policy.regime", policy, p -> p.regimes().decision().common().regime())
        .description("Number of the common regime (0: no change of every camera detected yet)").register(registry);
    Gauge.builder("labelstream.review.policy.cumulative.lower.bound", policy,
            p -> p.regimes().decision().cumulativeLowerBound())
        .description("Lower bound on the accuracy of every model label written so far, over all regimes and cameras")
        .register(registry);
    for (LabelRecall.Outcome outcome : LabelRecall.Outcome.values()) {
      FunctionCounter.builder("labelstream.review.recalled.labels", recall, r -> r.count(outcome))
          .description("Model labels a drift event recalled, by outcome: sent (back to people as a FLAGGED task), "
              + "skipped (answered by people or already waiting for a reviewer), dropped (its label did not arrive in "
              + "time), failed (its image is gone)")
          .tags(Tags.of("outcome", outcome.tag())).register(registry);
    }
  }

  private static String scopeKind(String scope) {
    return RegimePolicy.ALL_CAMERAS.equals(scope) ? SCOPE_ALL : SCOPE_CAMERA;
  }

  private void gauge(MeterRegistry registry, String name, String description, Tags tags, ToDoubleFunction<PolicyDecision> value) {
    Gauge.builder(name, policy, p -> value.applyAsDouble(p.latest())).description(description).tags(tags).register(registry);
  }
}
