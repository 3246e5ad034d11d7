package io.labelstream.review.http;

import io.javalin.http.Context;

/**
 * The Content-Security-Policy of the review service's answers, in place of the platform's policy for data (which
 * allows nothing): the pages load their scripts, styles and images from this origin only (images of frames come as
 * blob: URLs made from authenticated fetches), and may not be framed. The other security headers (nosniff, no
 * framing, no referrer) are on every answer of every service already: see platform's SecurityHeaders.
 */
public final class PageSecurityPolicy {

  public static final String CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' blob: data:; "
      + "object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

  private PageSecurityPolicy() {}

  public static void apply(Context ctx) {
    ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
  }
}
