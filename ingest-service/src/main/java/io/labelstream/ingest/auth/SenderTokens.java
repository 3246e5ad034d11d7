package io.labelstream.ingest.auth;

import io.labelstream.platform.auth.BearerTokens;

/** Reads {@code INGEST_TOKENS}: the same format and hashing as the review service's tokens, without a role. */
public final class SenderTokens {

  private SenderTokens() {}

  /** Parses {@code name:token} or {@code name:sha256:<hex>} entries; errors never repeat a token. */
  public static BearerTokens<Sender> parse(String raw) {
    return BearerTokens.parse("INGEST_TOKENS", raw, 0, "name:token", (name, more) -> new Sender(name));
  }
}
