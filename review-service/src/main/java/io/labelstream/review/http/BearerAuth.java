package io.labelstream.review.http;

import io.javalin.http.Context;
import io.javalin.security.RouteRole;
import io.labelstream.platform.auth.BearerTokens;
import io.labelstream.platform.http.ApiException;
import io.labelstream.review.auth.Reviewer;
import io.labelstream.review.auth.ReviewerTokens;
import io.labelstream.review.auth.Role;
import java.util.Map;
import java.util.Set;

/**
 * Who is calling, and whether they may: {@link #authenticate} finds the reviewer behind {@code Authorization: Bearer
 * <token>} (401 when there is none), {@link #authorize} checks the endpoint's roles (403 when the caller's role is not
 * among them). An endpoint under {@code /v1} that names no roles admits nobody: forgetting them fails closed. Route
 * roles are the only admin check: no endpoint checks roles itself.
 */
public final class BearerAuth {

  private static final String ATTRIBUTE = "labelstream.reviewer";
  /** What a caller without the admin role is told, by area; elsewhere "this needs an admin token". */
  private static final Map<String, String> ADMIN_REFUSALS = Map.of("/v1/stats/", "the statistics need an admin token");

  private final ReviewerTokens tokens;

  public BearerAuth(ReviewerTokens tokens) {
    this.tokens = tokens;
  }

  /** A before-handler: authenticates the request and remembers the reviewer for the endpoint. */
  public void authenticate(Context ctx) {
    String token = BearerTokens.fromAuthorization(ctx.header("Authorization"))
        .orElseThrow(() -> new ApiException(401, "unauthorized", "send Authorization: Bearer <token>"));
    Reviewer reviewer = tokens.find(token)
        .orElseThrow(() -> new ApiException(401, "unauthorized", "the bearer token is not valid"));
    ctx.attribute(ATTRIBUTE, reviewer);
  }

  /** A before-matched handler for {@code /v1}: the caller's role must be one the matched endpoint admits. */
  public void authorize(Context ctx) {
    if (!ctx.path().startsWith("/v1/")) {
      return;
    }
    Set<RouteRole> admitted = ctx.routeRoles();
    Reviewer reviewer = ctx.attribute(ATTRIBUTE);
    if (reviewer == null) {
      authenticate(ctx);
      reviewer = reviewer(ctx);
    }
    if (!admitted.contains(reviewer.role())) {
      throw new ApiException(403, "forbidden", admitted.contains(Role.ADMIN)
          ? adminRefusal(ctx.path()) : "your token may not do this");
    }
  }

  private static String adminRefusal(String path) {
    return ADMIN_REFUSALS.entrySet().stream().filter(area -> path.startsWith(area.getKey())).map(Map.Entry::getValue)
        .findFirst().orElse("this needs an admin token");
  }

  public static Reviewer reviewer(Context ctx) {
    Reviewer reviewer = ctx.attribute(ATTRIBUTE);
    if (reviewer == null) {
      throw new IllegalStateException("endpoint reached without authentication");
    }
    return reviewer;
  }
}
