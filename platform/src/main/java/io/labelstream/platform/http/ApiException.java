package io.labelstream.platform.http;

/** Thrown by a handler to answer with an HTTP error status and an {@link ApiError} body. */
public final class ApiException extends RuntimeException {

  private final int status;
  private final String code;
  private final Integer retryAfterSeconds;

  public ApiException(int status, String code, String message) {
    this(status, code, message, null);
  }

  private ApiException(int status, String code, String message, Integer retryAfterSeconds) {
    super(message);
    this.status = status;
    this.code = code;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** 503 with a Retry-After header: the caller should try the same request again later. */
  public static ApiException unavailable(String code, String message, int retryAfterSeconds) {
    return new ApiException(503, code, message, retryAfterSeconds);
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public Integer retryAfterSeconds() {
    return retryAfterSeconds;
  }

  public ApiError body() {
    return new ApiError(code, getMessage());
  }
}
