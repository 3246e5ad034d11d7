package io.labelstream.review.policy.regime;

import static io.labelstream.platform.config.ReviewVariables.REVIEW_POLICY_AFTER_CHANGE_CONFIDENCE;
import static io.labelstream.platform.config.ReviewVariables.REVIEW_POLICY_AFTER_CHANGE_HORIZON;
import static io.labelstream.platform.config.ReviewVariables.REVIEW_POLICY_AUDITS_TO_ESTABLISH;
import static io.labelstream.platform.config.ReviewVariables.REVIEW_POLICY_RAISED_AUDIT_RATE;

import io.labelstream.platform.config.Env;
import io.labelstream.review.policy.drift.DriftSettings;

/**
 * How the policy reacts to a detected change.
 *
 * @param raisedAuditRate the share of model labels also sent to people as blind audits while a regime a change
 *     started re-establishes its bound (10–20%: each audit is evidence about exactly the labels being written now);
 *     a floor over the worker's own rate (INFERENCE_AUDIT_RATE), which applies otherwise
 * @param auditsToEstablish answered audits of the new regime's own model labels, inside its region, before it
 *     audits at the worker's rate again
 * @param afterChangeConfidence the confidence of the bound of a regime a change started (the ordinary one when that
 *     is higher): it starts closed and is tested at every decision, so one look in many opens it on luck at the
 *     ordinary confidence. Measured on the drift suite's tuning half: at 0.95 the model labels standing after the
 *     change met all three accuracy targets in 13 of 46 scenarios, at 0.99 in 24 (no change: the same share); the
 *     price is share after mild changes (brightness mild, abrupt: 44.6% to 33.1%). At 0.99 a regime's bound still
 *     held on average and fell short in single runs: after a mild or moderate abrupt change of brightness, blur or JPEG
 *     quality the few hundred to thousand labels it wrote were below 0.99 in 1-3 seeds of 20 (blur, seed 15: 12 wrong
 *     of 894 where its estimate said 0.41%). With 0.995 and a recall 1,000 frames deep, 41 of 46 meet all three (39 at
 *     0.99; 43 with {@link RegimePolicy#RECALL_DEPTH} at 1,500). 0.999, tried with a recall that also reached deeper
 *     after slow alarms, met 41 too but reopened most regimes too late to write many labels (after a mild abrupt
 *     brightness change 13% share against 26% at 0.995 and 33% at 0.99)
 * @param afterChangeHorizon model labels ahead that such a regime's bound must hold for (at the ordinary confidence)
 *     before it accepts a threshold ({@link io.labelstream.review.policy.ThresholdController.Horizon}): the labels it
 *     writes next are judged one run at a time, and a few hundred of them decide by one or two errors. Measured on the
 *     drift suite's tuning half (2026-12-05): without it 44 of 46 changes met all three accuracy targets (JPEG moderate
 *     abrupt: 16 seeds at the target, lowest 0.982; JPEG mild gradual: lowest 0.976); at 250 labels 46 of 46, at a
 *     cost of 0.12 points of share after a change on average and 1.8 at most (mild abrupt JPEG: 21.7% to 19.9%). The
 *     horizon is a count of errors allowed (1% of it, rounded down), so it is not monotonic: at 150 (1 error allowed,
 *     the strictest) the regimes reopened later, wrote fewer labels that one error decided, and JPEG moderate abrupt
 *     met the target in 17; at 200, 44 of 46
 * @param drift the sequential tests that detect a change
 */
public record RegimeSettings(double raisedAuditRate, long auditsToEstablish, double afterChangeConfidence,
    long afterChangeHorizon, DriftSettings drift) {

  public RegimeSettings {
    if (!(raisedAuditRate >= 0 && raisedAuditRate <= 1)) {
      throw new IllegalArgumentException("the raised audit rate must be within [0, 1], got " + raisedAuditRate);
    }
    if (auditsToEstablish < 0) {
      throw new IllegalArgumentException("auditsToEstablish must not be negative, got " + auditsToEstablish);
    }
    if (!(afterChangeConfidence > 0 && afterChangeConfidence < 1)) {
      throw new IllegalArgumentException("the after-change confidence must be within (0, 1), got "
          + afterChangeConfidence);
    }
    if (afterChangeHorizon < 0) {
      throw new IllegalArgumentException("the after-change horizon must not be negative, got " + afterChangeHorizon);
    }
  }

  /** The variables' defaults (declared once, in ReviewVariables) and the default drift tests. */
  public static RegimeSettings defaults() {
    return new RegimeSettings(REVIEW_POLICY_RAISED_AUDIT_RATE.defaultValue().orElseThrow(),
        REVIEW_POLICY_AUDITS_TO_ESTABLISH.defaultValue().orElseThrow(),
        REVIEW_POLICY_AFTER_CHANGE_CONFIDENCE.defaultValue().orElseThrow(),
        REVIEW_POLICY_AFTER_CHANGE_HORIZON.defaultValue().orElseThrow(), DriftSettings.defaults());
  }

  /**
   * REVIEW_POLICY_RAISED_AUDIT_RATE, REVIEW_POLICY_AUDITS_TO_ESTABLISH, REVIEW_POLICY_AFTER_CHANGE_CONFIDENCE and
   * REVIEW_POLICY_AFTER_CHANGE_HORIZON, with the default drift tests.
   */
  public static RegimeSettings from(Env env) {
    return new RegimeSettings(env.get(REVIEW_POLICY_RAISED_AUDIT_RATE), env.get(REVIEW_POLICY_AUDITS_TO_ESTABLISH),
        env.get(REVIEW_POLICY_AFTER_CHANGE_CONFIDENCE), env.get(REVIEW_POLICY_AFTER_CHANGE_HORIZON),
        DriftSettings.defaults());
  }
}
