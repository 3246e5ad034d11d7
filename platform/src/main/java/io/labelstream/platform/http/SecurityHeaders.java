package io.labelstream.platform.http;

import org.eclipse.jetty.http.HttpFields;

/**
 * The headers on every answer of every service, errors from Jetty's own parser included. None of the services' answers
 * is meant to run as a page by itself: browsers must not guess content types (an error message echoing a request must
 * never become HTML), may not frame anything, and send no referrer. The Content-Security-Policy allows nothing; a
 * service that serves pages (review) replaces it on its own answers with one that allows what its pages need.
 */
public final class SecurityHeaders {

  /** For answers that are data (JSON, images, metrics text): nothing in them may load or run anything. */
  public static final String CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; "
      + "form-action 'none'";

  private SecurityHeaders() {}

  /** Sets every header, replacing any earlier value. */
  static void setOn(HttpFields.Mutable headers) {
    headers.put("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    headers.put("X-Content-Type-Options", "nosniff");
    headers.put("X-Frame-Options", "DENY");
    headers.put("Referrer-Policy", "no-referrer");
  }
}
