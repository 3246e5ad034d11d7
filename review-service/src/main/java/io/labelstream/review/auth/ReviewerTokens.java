package io.labelstream.review.auth;

import io.labelstream.platform.auth.BearerTokens;
import io.labelstream.platform.config.ConfigException;
import java.util.List;
import java.util.Optional;

/**
 * The bearer tokens the review service accepts, kept only as SHA-256 hashes (platform's {@link BearerTokens}, shared
 * with ingest's senders). {@code REVIEW_TOKENS} lists {@code name:token:role} entries, or
 * {@code name:sha256:<64 hex digits>:role} so that the plain token need not be in the deployment at all.
 */
public final class ReviewerTokens {

  private final BearerTokens<Reviewer> tokens;

  private ReviewerTokens(BearerTokens<Reviewer> tokens) {
    this.tokens = tokens;
  }

  /** Parses {@code REVIEW_TOKENS}; errors name the entry by its reviewer only, never by its token. */
  public static ReviewerTokens parse(String raw) {
    return new ReviewerTokens(BearerTokens.parse("REVIEW_TOKENS", raw, 1,
        "name:token:role (role reviewer or admin)", (name, more) -> new Reviewer(name, Role.parse(more.get(0))
            .orElseThrow(() -> new ConfigException("REVIEW_TOKENS entry for " + name + " has role '" + more.get(0)
                + "': expected reviewer or admin")))));
  }

  /** One admin token made up for this run, for a local start without REVIEW_TOKENS. */
  public static ReviewerTokens generatedAdmin() {
    return new ReviewerTokens(BearerTokens.generated(new Reviewer("admin", Role.ADMIN)));
  }

  /**
   * The reviewer a presented token belongs to, compared in constant time with every entry (see
   * {@link BearerTokens#find}).
   */
  public Optional<Reviewer> find(String presented) {
    return tokens.find(presented);
  }

  public List<Reviewer> reviewers() {
    return tokens.holders();
  }

  /** The token made up at start-up, to show the person who started the service; empty when tokens were configured. */
  public Optional<String> generatedToken() {
    return tokens.generatedToken();
  }

  public static byte[] sha256(String token) {
    return BearerTokens.sha256(token);
  }

  @Override
  public String toString() {
    return reviewers().toString();
  }
}
