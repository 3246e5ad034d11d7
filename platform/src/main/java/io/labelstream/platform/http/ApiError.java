package io.labelstream.platform.http;

import java.util.Locale;
import org.eclipse.jetty.http.HttpStatus;

/**
 * The JSON body of every error answer: a stable machine-readable code and a message for people.
 *
 * @param error stable code, lower snake case (for example {@code missing_header})
 * @param message what went wrong and, where it helps, what to do
 */
public record ApiError(String error, String message) {

  /**
   * The code of an error no handler of ours named: one Jetty or Javalin answered by themselves (a request line Jetty
   * cannot parse, a path no endpoint serves).
   */
  public static String codeFor(int status) {
    return switch (status) {
      case 400 -> "bad_request";
      case 404 -> "not_found";
      case 405 -> "method_not_allowed";
      case 413 -> "payload_too_large";
      case 414 -> "uri_too_long";
      case 431 -> "headers_too_large";
      case 500 -> "internal_error";
      default -> {
        String reason = HttpStatus.getMessage(status);
        yield reason == null || reason.isBlank() ? "http_" + status
            : reason.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_").replaceAll("^_|_$", "");
      }
    };
  }
}
