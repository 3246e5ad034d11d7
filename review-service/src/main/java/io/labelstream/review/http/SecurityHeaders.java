package io.labelstream.review.http;

import io.javalin.http.Context;

/**
 * Headers on every answer of the review service. The pages load their scripts, styles and images from this origin
 * only (images of frames come as blob: URLs made from authenticated fetches), may not be framed, and send no
 * referrer; browsers must not guess content types.
 */
public final class SecurityHeaders {

  public static final String CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' blob: data:; "
      + "object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

  private SecurityHeaders() {}

  public static void apply(Context ctx) {
    ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("Referrer-Policy", "no-referrer");
    ctx.header("X-Frame-Options", "DENY");
  }
}
