package io.labelstream.ingest.http;

import io.javalin.http.Context;
import io.labelstream.ingest.config.IngestConfig;
import io.labelstream.ingest.http.FrameSubmitter.Pending;
import io.labelstream.ingest.metrics.IngestMetrics;
import io.labelstream.platform.http.ApiException;
import io.labelstream.platform.store.FrameStoreException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Answers an upload once Kafka has acknowledged every frame in it (202), with a frame store only after the store had
 * every image, or with the reason it did not (503 {@code kafka_unavailable} or {@code frame_store_unavailable}, 413),
 * without parking a request thread meanwhile.
 *
 * <p>The answer is written on {@code answerThreads}, once per request. Kafka completes acknowledgements on the
 * producer's single I/O thread, which also sends every record: writing the HTTP answers there made that thread the
 * limit under load (JFR: 40% of the samples).
 */
final class Acknowledgements {

  /** A store outage is usually a restart or a failover: seconds, not minutes. */
  private static final int STORE_RETRY_AFTER_SECONDS = 2;

  private final IngestConfig config;
  private final IngestMetrics metrics;
  private final Executor answerThreads;

  Acknowledgements(IngestConfig config, IngestMetrics metrics, Executor answerThreads) {
    this.config = config;
    this.metrics = metrics;
    this.answerThreads = answerThreads;
  }

  /**
   * @param body turns the per-frame answers ({@code frameId}, {@code duplicate}), in upload order, into the 202 body
   */
  void answerWhenAcked(Context ctx, List<Pending> pending, Function<List<Map<String, Object>>, Object> body) {
    CompletableFuture<?> all = pending.size() == 1 ? pending.get(0).acked()
        : CompletableFuture.allOf(pending.stream().map(Pending::acked).toArray(CompletableFuture[]::new));
    ctx.future(() -> all.orTimeout(config.answerTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .handleAsync((ignored, error) -> {
          if (error != null) {
            ApiException refused = refusal(error instanceof CompletionException ? error.getCause() : error);
            metrics.rejected(refused.code());
            metrics.senderRefused(pending.get(0).sender(), pending.size());
            throw refused;
          }
          for (Pending one : pending) {
            if (one.duplicate()) {
              metrics.duplicate();
            } else {
              metrics.accepted(one.imageBytes());
            }
          }
          metrics.senderAccepted(pending.get(0).sender(), pending.size());
          ctx.status(202).json(body.apply(pending.stream().map(Acknowledgements::describe).toList()));
          return null;
        }, answerThreads));
  }

  /** The answer for one frame: its id, and whether it repeats an earlier write. */
  private static Map<String, Object> describe(Pending pending) {
    String frameId = pending.frameId();
    return pending.duplicate() ? Map.of("frameId", frameId, "duplicate", true) : Map.of("frameId", frameId);
  }

  private static ApiException refusal(Throwable cause) {
    if (cause instanceof FrameStoreException store) {
      return ApiException.unavailable("frame_store_unavailable", "the frame store did not take the image, so nothing "
          + "was written to Kafka: " + store.getMessage() + "; retry with the same Idempotency-Key",
          STORE_RETRY_AFTER_SECONDS);
    }
    if (cause instanceof TimeoutException) {
      return ApiException.kafkaUnavailable("Kafka did not acknowledge the frame in time; retry with the same Idempotency-Key");
    }
    if (cause instanceof org.apache.kafka.common.errors.RecordTooLargeException) {
      return new ApiException(413, "payload_too_large", "Kafka refused the frame as too large: " + cause.getMessage());
    }
    return ApiException.kafkaUnavailable("Kafka did not take the frame: " + cause.getMessage()
        + "; retry with the same Idempotency-Key");
  }
}
