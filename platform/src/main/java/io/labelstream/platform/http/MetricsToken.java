package io.labelstream.platform.http;

import io.labelstream.platform.auth.BearerTokens;
import io.labelstream.platform.config.Env;
import io.labelstream.platform.config.SharedVariables;
import io.labelstream.platform.hash.Sha256;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * Who may read {@code /metrics} ({@code METRICS_TOKEN}): anyone when no token is set (a local run), otherwise only a
 * request bearing it. The metrics are not harmless to a reviewer: review's accuracy estimate and the Kafka write
 * counts can move after one answer and so tell an audit from a gold task. Only the token's hash is kept, and it is
 * compared in constant time.
 */
public final class MetricsToken {

  public static final int MIN_LENGTH = 16;
  /** No token: {@code /metrics} is open. */
  public static final MetricsToken OPEN = new MetricsToken(null);

  private final byte[] hash;

  private MetricsToken(byte[] hash) {
    this.hash = hash;
  }

  /** From {@code METRICS_TOKEN}: open when unset or blank; a token shorter than {@link #MIN_LENGTH} is refused. */
  public static MetricsToken from(Env env) {
    Optional<String> token = env.find(SharedVariables.METRICS_TOKEN);
    if (token.isEmpty()) {
      return OPEN;
    }
    if (token.get().strip().length() < MIN_LENGTH) {
      throw Env.invalid(SharedVariables.METRICS_TOKEN, token.get(), "a token of at least " + MIN_LENGTH + " characters");
    }
    return new MetricsToken(Sha256.of(token.get().strip()));
  }

  public boolean required() {
    return hash != null;
  }

  /** Whether a request with this {@code Authorization} header value (null when absent) may read the metrics. */
  public boolean admits(String authorization) {
    if (hash == null) {
      return true;
    }
    // A missing or non-Bearer header is hashed as empty (never a valid token's hash): every refusal costs the same.
    String presented = BearerTokens.fromAuthorization(authorization).orElse("");
    return MessageDigest.isEqual(Sha256.of(presented), hash);
  }

  @Override
  public String toString() {
    return required() ? "MetricsToken[required]" : "MetricsToken[open]";
  }
}
