package io.labelstream.review.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labelstream.platform.config.ConfigException;
import io.labelstream.platform.config.Env;
import io.labelstream.platform.config.ReviewVariables;
import io.labelstream.review.ReviewFixtures;
import io.labelstream.review.auth.Reviewer;
import io.labelstream.review.auth.Role;
import io.labelstream.review.policy.ThresholdController;
import io.labelstream.review.queue.QueueOrder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReviewConfigTest {

  @Test
  void shouldReadReviewerTokensWithTheirRoles() {
    ReviewConfig config = ReviewConfig.from(new Env(Map.of("REVIEW_TOKENS", "ada:ada-token-1:reviewer,root:root-token-1:admin")));

    assertThat(config.tokens().find("ada-token-1")).contains(new Reviewer("ada", Role.REVIEWER));
    assertThat(config.tokens().find("root-token-1")).contains(new Reviewer("root", Role.ADMIN));
    assertThat(config.tokens().find("ada-token-2")).isEmpty();
    assertThat(config.tokensGenerated()).isFalse();
    assertThat(config.toString()).doesNotContain("ada-token-1").contains("ada");
  }

  @Test
  void shouldBoundTheOpenReviewTasksByDefaultAndRefuseALimitOfNone() {
    assertThat(ReviewConfig.from(new Env(Map.of())).maxOpenTasks()).isEqualTo(10_000);
    assertThat(ReviewConfig.from(new Env(Map.of("REVIEW_MAX_OPEN_TASKS", "5"))).maxOpenTasks()).isEqualTo(5);
    assertThatThrownBy(() -> ReviewConfig.from(new Env(Map.of("REVIEW_MAX_OPEN_TASKS", "0"))))
        .hasMessageContaining("REVIEW_MAX_OPEN_TASKS");
  }

  @Test
  void shouldCheckpointTheStateWhileRunningEveryFiveMinutesUnlessToldOtherwise() {
    assertThat(ReviewConfig.from(new Env(Map.of())).stateCheckpointInterval()).isEqualTo(Duration.ofMinutes(5));
    assertThat(ReviewConfig.from(new Env(Map.of("REVIEW_STATE_CHECKPOINT_INTERVAL_MS", "0")))
        .stateCheckpointInterval()).isZero();
    assertThatThrownBy(() -> ReviewConfig.from(new Env(Map.of("REVIEW_STATE_CHECKPOINT_INTERVAL_MS", "-1"))))
        .hasMessageContaining("REVIEW_STATE_CHECKPOINT_INTERVAL_MS");
  }

  @Test
  void shouldGenerateOneAdminTokenWhenNoneAreConfigured() {
    ReviewConfig config = ReviewConfig.from(new Env(Map.of()));

    assertThat(config.tokensGenerated()).isTrue();
    assertThat(config.tokens().reviewers()).containsExactly(new Reviewer("admin", Role.ADMIN));
    String token = config.tokens().generatedToken().orElseThrow();
    assertThat(token).hasSize(32);
    assertThat(config.tokens().find(token)).isPresent();
  }

  @Test
  void shouldAcceptTokensGivenOnlyAsTheirSha256() {
    String hash = java.util.HexFormat.of().formatHex(io.labelstream.review.auth.ReviewerTokens.sha256("secret-token-42"));
    ReviewConfig config = ReviewConfig.from(new Env(Map.of("REVIEW_TOKENS", "ops:sha256:" + hash + ":admin")));

    assertThat(config.tokens().find("secret-token-42")).contains(new Reviewer("ops", Role.ADMIN));
    assertThat(config.tokens().find(hash)).isEmpty();
  }

  @Test
  void shouldRefuseMalformedTokensWithoutEchoingThem() {
    assertThatThrownBy(() -> ReviewConfig.from(new Env(Map.of("REVIEW_TOKENS", "ada:short:reviewer"))))
        .isInstanceOf(ConfigException.class).hasMessageNotContaining("short");
    assertThatThrownBy(() -> ReviewConfig.from(new Env(Map.of("REVIEW_TOKENS", "ada:sha256:abc:reviewer"))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("64 hex digits");
    assertThatThrownBy(() -> ReviewConfig.from(new Env(Map.of("REVIEW_TOKENS", "ada:same-token-1:reviewer,bob:same-token-1:admin"))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("same token").hasMessageNotContaining("same-token-1");
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

  @Test
  void shouldReadThePrefixedPolicyNamesAndStillTheDeprecatedOnes() {
    ReviewConfig renamed = ReviewConfig.from(new Env(Map.of("REVIEW_POLICY_TARGET_ACCURACY", "0.95",
        "REVIEW_POLICY_INTERVAL_MS", "500")));
    ReviewConfig old = ReviewConfig.from(new Env(Map.of("POLICY_TARGET_ACCURACY", "0.95", "POLICY_INTERVAL_MS", "500")));

    assertThat(renamed.policy().target()).isEqualTo(0.95);
    assertThat(renamed.policy().interval()).isEqualTo(Duration.ofMillis(500));
    assertThat(old.policy()).isEqualTo(renamed.policy());
  }

  @Test
  void shouldTakeTheClassesFromTheBundledModelsCardWhenNoModelIsNamed() {
    ReviewConfig config = ReviewConfig.from(new Env(Map.of()));

    assertThat(config.classes()).isEqualTo(ReviewFixtures.BUNDLED_CLASSES);
    assertThat(config.modelIdentity().name()).isEqualTo("fashion-mnist-ensemble");
    assertThat(config.model().location()).isEqualTo("bundled");
  }

  @Test
  void shouldTakeTheClassesFromTheCardOfTheModelFolderUnderEitherName(@TempDir Path folder) throws IOException {
    ReviewFixtures.userModel(folder, "colours", List.of("red", "green", "blue"), false);

    ReviewConfig named = ReviewConfig.from(new Env(Map.of("LABELSTREAM_MODEL_DIR", folder.toString())));
    ReviewConfig deprecated = ReviewConfig.from(new Env(Map.of("MODEL_PATH", folder.resolve("colours.onnx").toString())));

    assertThat(named.classes()).containsExactly("red", "green", "blue");
    assertThat(named.modelIdentity().name()).isEqualTo("colours");
    assertThat(deprecated.classes()).isEqualTo(named.classes());
    assertThat(deprecated.model().location()).isEqualTo(named.model().location());
  }

  @Test
  void shouldRefuseToStartWhileTheRetiredClassListIsSetUnderEitherName() {
    for (String name : List.of("REVIEW_LABEL_CLASSES", "LABEL_CLASSES")) {
      assertThatThrownBy(() -> ReviewConfig.from(new Env(Map.of(name, "cat,dog"))))
          .as(name).isInstanceOf(ConfigException.class)
          .hasMessageStartingWith("REVIEW_LABEL_CLASSES is retired: the classes now come from the model card")
          .hasMessageNotContaining("\n");
    }
  }

  @Test
  void shouldRefuseAModelFolderWithoutACardNamingTheSetting(@TempDir Path folder) throws IOException {
    Files.write(folder.resolve("colours.onnx"), new byte[] {1});

    assertThatThrownBy(() -> ReviewConfig.from(new Env(Map.of("LABELSTREAM_MODEL_DIR", folder.toString()))))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("LABELSTREAM_MODEL_DIR=" + folder)
        .hasMessageContaining("colours.card.json");
  }

  @Test
  void shouldOfferExactlyTheQueueOrdersAndDefaultsItsCodeKnows() {
    assertThat(ReviewVariables.REVIEW_QUEUE_ORDER.type().accepts())
        .isEqualTo("one of " + String.join(", ", Arrays.stream(QueueOrder.values())
            .map(o -> o.name().toLowerCase(Locale.ROOT)).toList()));
    assertThat(ReviewVariables.REVIEW_POLICY_VALIDATION_WEIGHT.defaultValue())
        .contains(ThresholdController.DEFAULT_VALIDATION_WEIGHT);
  }
}
