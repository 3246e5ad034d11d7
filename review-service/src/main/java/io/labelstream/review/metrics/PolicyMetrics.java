package io.labelstream.review.metrics;

import io.labelstream.review.policy.PolicyDecision;
import io.labelstream.review.policy.PolicyService;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.function.ToDoubleFunction;

/**
 * The routing policy as meters: the threshold and model-labelled share per class, the overall estimated model-label
 * accuracy and its lower bound, plus the target the bound is held to (so an alert can compare the two without
 * repeating the setting). Read from the latest decision on every scrape.
 *
 * <p>{@code /metrics} is not authenticated, so nothing here counts audit answers or gives per-class accuracy: either
 * moves with single answers and would tell a reviewer the hidden model label of a blind audit (its class's count moves)
 * or whether they agreed with it. Those are for admins, in {@code /v1/stats} and {@code /v1/stats/accuracy}.
 */
public final class PolicyMetrics implements MeterBinder {

  private final PolicyService policy;

  public PolicyMetrics(PolicyService policy) {
    this.policy = policy;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    Tags all = Tags.of("class", "all");
    gauge(registry, "labelstream.review.policy.accuracy.estimate", "Estimated model-label accuracy, all classes", all,
        d -> d.overall().estimate());
    gauge(registry, "labelstream.review.policy.accuracy.lower.bound", "Lower confidence bound on model-label accuracy, "
        + "all classes", all, d -> d.overall().lowerBound());
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
  }

  private void gauge(MeterRegistry registry, String name, String description, Tags tags, ToDoubleFunction<PolicyDecision> value) {
    Gauge.builder(name, policy, p -> value.applyAsDouble(p.latest())).description(description).tags(tags).register(registry);
  }
}
