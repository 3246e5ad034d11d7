package io.labelstream.platform.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labelstream.platform.config.ConfigException;
import io.labelstream.platform.hash.Sha256;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class BearerTokensTest {

  private record Holder(String name, List<String> more) {}

  @Test
  void shouldFindTheHolderOfAPlainOrAHashedTokenAndNobodyForAnyOtherToken() {
    String hash = HexFormat.of().formatHex(Sha256.of("second-token"));
    BearerTokens<Holder> tokens = BearerTokens.parse("SOME_TOKENS", "a:first-token:x, b:sha256:" + hash + ":y", 1,
        "name:token:role", Holder::new);

    assertThat(tokens.find("first-token")).contains(new Holder("a", List.of("x")));
    assertThat(tokens.find("second-token")).contains(new Holder("b", List.of("y")));
    assertThat(tokens.find(hash)).isEmpty();
    assertThat(tokens.find("first-token ")).isEmpty();
    assertThat(tokens.toString()).doesNotContain("first-token").contains("a");
  }

  @Test
  void shouldReadEntriesWithoutMoreFieldsForServicesWithoutRoles() {
    BearerTokens<String> tokens = BearerTokens.parse("INGEST_TOKENS", "fleet-a:token-of-a,fleet-b:token-of-b", 0,
        "name:token", (name, more) -> name);

    assertThat(tokens.find("token-of-b")).contains("fleet-b");
    assertThatThrownBy(() -> BearerTokens.parse("INGEST_TOKENS", "fleet-a:token-of-a:admin", 0, "name:token",
        (name, more) -> name)).isInstanceOf(ConfigException.class).hasMessageStartingWith("INGEST_TOKENS entry 'fleet-a:…'");
  }

  @Test
  void shouldRefuseShortEmptyOrSharedTokensNamingTheVariableButNeverTheToken() {
    assertThatThrownBy(() -> BearerTokens.parse("X_TOKENS", "a:short", 0, "name:token", (n, m) -> n))
        .isInstanceOf(ConfigException.class).hasMessageContaining("X_TOKENS").hasMessageNotContaining("short");
    assertThatThrownBy(() -> BearerTokens.parse("X_TOKENS", ":long-enough-token", 0, "name:token", (n, m) -> n))
        .isInstanceOf(ConfigException.class).hasMessageContaining("name is empty");
    assertThatThrownBy(() -> BearerTokens.parse("X_TOKENS", "a:sha256:abc", 0, "name:token", (n, m) -> n))
        .isInstanceOf(ConfigException.class).hasMessageContaining("64 hex digits").hasMessageContaining("name:sha256:<hex>");
    assertThatThrownBy(() -> BearerTokens.parse("X_TOKENS", "a:shared-token,b:shared-token", 0, "name:token", (n, m) -> n))
        .isInstanceOf(ConfigException.class).hasMessageContaining("same token").hasMessageNotContaining("shared-token");
  }

  @Test
  void shouldShowAGeneratedTokenOnlyToWhoeverStartedTheService() {
    BearerTokens<String> generated = BearerTokens.generated("admin");

    String token = generated.generatedToken().orElseThrow();
    assertThat(token).hasSize(32);
    assertThat(generated.find(token)).contains("admin");
    assertThat(BearerTokens.parse("X", "a:configured", 0, "name:token", (n, m) -> n).generatedToken()).isEmpty();
  }

  @Test
  void shouldTakeTheTokenOnlyFromABearerAuthorization() {
    assertThat(BearerTokens.fromAuthorization("Bearer abc-123 ")).contains("abc-123");
    assertThat(BearerTokens.fromAuthorization("bearer abc-123")).contains("abc-123");
    assertThat(BearerTokens.fromAuthorization("Basic YWRhOnB3")).isEmpty();
    assertThat(BearerTokens.fromAuthorization(null)).isEmpty();
  }
}
