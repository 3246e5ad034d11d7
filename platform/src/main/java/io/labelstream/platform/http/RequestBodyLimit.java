package io.labelstream.platform.http;

import org.eclipse.jetty.server.HttpInput;

/**
 * Counts the body bytes of one request as Jetty reads them and refuses the read that goes over the limit. Javalin
 * checks only a declared Content-Length; a chunked body declares none, and {@code ctx.body()} would read all of it into
 * memory. Installed on every request by {@link HttpService}, whatever reads the body.
 */
final class RequestBodyLimit implements HttpInput.Interceptor {

  private final long maxBytes;
  private long read;

  RequestBodyLimit(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  @Override
  public HttpInput.Content readFrom(HttpInput.Content content) {
    if (!content.isSpecial()) {
      read += content.remaining();
      if (read > maxBytes) {
        // Jetty fails the read with an IOException caused by this; HttpService answers with it.
        throw tooLarge(maxBytes);
      }
    }
    return content;
  }

  static ApiException tooLarge(long maxBytes) {
    return new ApiException(413, "payload_too_large", "the request body is larger than this service accepts ("
        + maxBytes + " bytes)");
  }
}
