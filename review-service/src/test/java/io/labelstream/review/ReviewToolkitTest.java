package io.labelstream.review;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelstream.platform.config.Env;
import io.labelstream.platform.model.ModelFolder;
import io.labelstream.review.policy.regime.RegimeSettings;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReviewToolkitTest {

  /**
   * The evaluation replays the review service's settings: a drift-aware stream meets a change as the service would
   * with the same environment (until 2026-12-05 it always used the defaults, so a setting tried through the
   * environment changed nothing).
   */
  @Test
  void shouldMeetAChangeWithTheRegimeSettingsOfTheEnvironment() throws IOException {
    Env env = new Env(Map.of("REVIEW_POLICY_AFTER_CHANGE_HORIZON", "123", "REVIEW_POLICY_RAISED_AUDIT_RATE", "0.2",
        "REVIEW_POLICY_AFTER_CHANGE_CONFIDENCE", "0.999"));

    RegimeSettings regimes = ReviewToolkit.fromEnvironment(env, ModelFolder.bundled(), 10).regimes();

    assertThat(regimes.afterChangeHorizon()).isEqualTo(123);
    assertThat(regimes.raisedAuditRate()).isEqualTo(0.2);
    assertThat(regimes.afterChangeConfidence()).isEqualTo(0.999);
    assertThat(ReviewToolkit.fromEnvironment(new Env(Map.of()), ModelFolder.bundled(), 10).regimes())
        .isEqualTo(RegimeSettings.defaults());
  }
}
