package io.labelstream.platform.http;

import io.javalin.http.Context;
import java.util.Optional;

/** Thrown by a handler to answer with an HTTP error status and an {@link ApiError} body. */
public final class ApiException extends RuntimeException {

  /** The code of every answer to a request that Kafka failed. */
  public static final String KAFKA_UNAVAILABLE = "kafka_unavailable";
  /**
   * The Retry-After of every {@link #KAFKA_UNAVAILABLE} answer. A failure that outlived the client's own retries is
   * a broker restarting or a partition changing leader, which takes seconds; sooner would meet the same failure.
   */
  public static final int KAFKA_RETRY_AFTER_SECONDS = 5;

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

  /** 429 with a Retry-After header: the caller is over its rate and may try again after that many seconds. */
  public static ApiException tooManyRequests(String code, String message, int retryAfterSeconds) {
    return new ApiException(429, code, message, retryAfterSeconds);
  }

  /**
   * 503 {@link #KAFKA_UNAVAILABLE} with the one Retry-After for Kafka failures. {@link HttpService} answers every
   * KafkaException a handler throws with it; call it only to say more than the exception does.
   */
  public static ApiException kafkaUnavailable(String message) {
    return unavailable(KAFKA_UNAVAILABLE, message, KAFKA_RETRY_AFTER_SECONDS);
  }

  /**
   * The answer a failure carries inside it, if any: a body read that went over the request limit fails with Jetty's
   * IOException around the 413 to give. A handler that turns any failure to read its body into its own 400 asks this
   * first, so an oversized body is still answered 413.
   */
  public static Optional<ApiException> refusalIn(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof ApiException refused) {
        return Optional.of(refused);
      }
    }
    return Optional.empty();
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

  /** Writes this error as the answer: its status, its JSON body and, for a 503 or 429, its Retry-After. */
  public void answer(Context ctx) {
    if (retryAfterSeconds != null) {
      ctx.header("Retry-After", Integer.toString(retryAfterSeconds));
    }
    ctx.status(status).json(body());
  }
}
