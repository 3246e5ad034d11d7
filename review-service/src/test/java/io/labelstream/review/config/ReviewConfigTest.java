package io.labelstream.review.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labelstream.platform.config.ConfigException;
import io.labelstream.platform.config.Env;
import io.labelstream.review.auth.Reviewer;
import io.labelstream.review.auth.Role;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReviewConfigTest {

  @Test
  void shouldReadReviewerTokensWithTheirRoles() {
    ReviewConfig config = ReviewConfig.from(new Env(Map.of("REVIEW_TOKENS", "ada:ada-token-1:reviewer,root:root-token-1:admin")));

    assertThat(config.tokens()).containsEntry("ada-token-1", new Reviewer("ada", Role.REVIEWER))
        .containsEntry("root-token-1", new Reviewer("root", Role.ADMIN));
    assertThat(config.tokensGenerated()).isFalse();
    assertThat(config.toString()).doesNotContain("ada-token-1");
  }

  @Test
  void shouldGenerateOneAdminTokenWhenNoneAreConfigured() {
    ReviewConfig config = ReviewConfig.from(new Env(Map.of()));

    assertThat(config.tokensGenerated()).isTrue();
    assertThat(config.tokens()).hasSize(1);
    assertThat(config.tokens().keySet().iterator().next()).hasSize(32);
  }

  @Test
  void shouldRefuseMalformedTokensNamingTheVariable() {
    assertThatThrownBy(() -> ReviewConfig.from(new Env(Map.of("REVIEW_TOKENS", "ada:short:reviewer"))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("REVIEW_TOKENS");
    assertThatThrownBy(() -> ReviewConfig.from(new Env(Map.of("REVIEW_TOKENS", "ada:long-enough-token:boss"))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("reviewer or admin");
    assertThatThrownBy(() -> ReviewConfig.from(new Env(Map.of("REVIEW_LEASE_SECONDS", "0"))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("REVIEW_LEASE_SECONDS");
  }
}
