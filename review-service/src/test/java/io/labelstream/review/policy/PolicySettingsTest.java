package io.labelstream.review.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelstream.platform.config.Env;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PolicySettingsTest {

  @Test
  void shouldLeaveHowOftenThePolicyIsRecomputedOutOfWhatItsStateWasGatheredUnder() {
    PolicySettings usual = PolicySettings.from(new Env(Map.of()));
    PolicySettings oftener = PolicySettings.from(new Env(Map.of("REVIEW_POLICY_INTERVAL_MS", "250")));

    assertThat(oftener.interval()).isNotEqualTo(usual.interval());
    assertThat(oftener.stateIdentity()).isEqualTo(usual.stateIdentity());
  }

  @Test
  void shouldTellStatesGatheredUnderOtherTargetsOrRegimeSettingsApart() {
    PolicySettings usual = PolicySettings.from(new Env(Map.of()));

    assertThat(PolicySettings.from(new Env(Map.of("REVIEW_POLICY_TARGET_ACCURACY", "0.98"))).stateIdentity())
        .isNotEqualTo(usual.stateIdentity());
    assertThat(PolicySettings.from(new Env(Map.of("REVIEW_POLICY_VALIDATION_WEIGHT", "0.2"))).stateIdentity())
        .isNotEqualTo(usual.stateIdentity());
    assertThat(PolicySettings.from(new Env(Map.of("REVIEW_POLICY_RAISED_AUDIT_RATE", "0.3"))).stateIdentity())
        .isNotEqualTo(usual.stateIdentity());
  }
}
