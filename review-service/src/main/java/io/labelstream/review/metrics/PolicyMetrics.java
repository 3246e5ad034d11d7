package io.labelstream.review.metrics;

import io.labelstream.review.policy.PolicyDecision;
import io.labelstream.review.policy.PolicyService;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.function.ToDoubleFunction;

/**
 * The routing policy as meters, overall and per class: threshold, estimated model-label accuracy, its lower bound,
 * audits behind it and the model-labelled share, plus the target the bound is held to (so an alert can compare the
 * two without repeating the setting). Read from the latest decision on every scrape.
 */
public final class PolicyMetrics implements MeterBinder {

  private final PolicyService policy;

  public PolicyMetrics(PolicyService policy) {
    this.policy = policy;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    accuracyGauges(registry, Tags.of("class", "all"), d -> d.overall());
    for (int c = 0; c < policy.classes().size(); c++) {
      int index = c;
      Tags tags = Tags.of("class", policy.classes().get(c));
      Gauge.builder("labelstream.review.policy.threshold", policy, p -> p.latest().thresholds().get(index))
          .description("Routing threshold in force for a predicted class (above 1: closed to model labels)")
          .tags(tags).register(registry);
      accuracyGauges(registry, tags, d -> d.perClass().get(index));
    }
    Gauge.builder("labelstream.review.policy.target.accuracy", policy, p -> p.settings().target())
        .description("Model-label accuracy the policy guarantees (REVIEW_POLICY_TARGET_ACCURACY)").register(registry);
    Gauge.builder("labelstream.review.policy.validation.trusted", policy, p -> p.latest().validationTrusted() ? 1 : 0)
        .description("1 while the stream agrees with the model's validation evidence, 0 after drift").register(registry);
  }

  private void accuracyGauges(MeterRegistry registry, Tags tags,
      java.util.function.Function<PolicyDecision, PolicyDecision.Accuracy> of) {
    gauge(registry, "labelstream.review.policy.accuracy.estimate", "Estimated model-label accuracy", tags, d -> of.apply(d).estimate());
    gauge(registry, "labelstream.review.policy.accuracy.lower.bound", "Lower confidence bound on model-label accuracy", tags,
        d -> of.apply(d).lowerBound());
    gauge(registry, "labelstream.review.policy.audits", "Answered audits behind the estimate", tags, d -> of.apply(d).audits());
    gauge(registry, "labelstream.review.policy.model.labelled.share", "Share of frames the thresholds label", tags,
        d -> of.apply(d).modelLabelledShare());
  }

  private void gauge(MeterRegistry registry, String name, String description, Tags tags, ToDoubleFunction<PolicyDecision> value) {
    Gauge.builder(name, policy, p -> value.applyAsDouble(p.latest())).description(description).tags(tags).register(registry);
  }
}
