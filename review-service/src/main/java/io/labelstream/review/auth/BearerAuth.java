package io.labelstream.review.auth;

import io.javalin.http.Context;
import io.labelstream.platform.http.ApiException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;

/** Finds the reviewer behind an {@code Authorization: Bearer <token>} header; 401 when there is none. */
public final class BearerAuth {

  private static final String ATTRIBUTE = "labelstream.reviewer";

  private final Map<String, Reviewer> tokens;

  public BearerAuth(Map<String, Reviewer> tokens) {
    this.tokens = Map.copyOf(tokens);
  }

  /** A before-handler: authenticates the request and remembers the reviewer for the endpoint. */
  public void authenticate(Context ctx) {
    String header = ctx.header("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw new ApiException(401, "unauthorized", "send Authorization: Bearer <token>");
    }
    byte[] presented = header.substring(7).strip().getBytes(StandardCharsets.UTF_8);
    for (Map.Entry<String, Reviewer> entry : tokens.entrySet()) {
      // Constant-time comparison: response time must not reveal how much of a token was right.
      if (MessageDigest.isEqual(presented, entry.getKey().getBytes(StandardCharsets.UTF_8))) {
        ctx.attribute(ATTRIBUTE, entry.getValue());
        return;
      }
    }
    throw new ApiException(401, "unauthorized", "the bearer token is not valid");
  }

  public static Reviewer reviewer(Context ctx) {
    Reviewer reviewer = ctx.attribute(ATTRIBUTE);
    if (reviewer == null) {
      throw new IllegalStateException("endpoint reached without authentication");
    }
    return reviewer;
  }
}
