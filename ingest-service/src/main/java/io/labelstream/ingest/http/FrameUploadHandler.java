package io.labelstream.ingest.http;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.labelstream.ingest.config.IngestConfig;
import io.labelstream.ingest.image.ImageProbe;
import io.labelstream.ingest.image.ImageProbe.ProbedImage;
import io.labelstream.ingest.image.MediaType;
import io.labelstream.ingest.kafka.FrameWriter;
import io.labelstream.ingest.kafka.RecentFrames;
import io.labelstream.ingest.metrics.IngestMetrics;
import io.labelstream.platform.http.ApiException;
import io.labelstream.schemas.FrameIds;
import io.labelstream.schemas.avro.Frame;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * {@code POST /v1/frames}: checks one uploaded frame and answers 202 only once Kafka has acknowledged it.
 * Nothing is written for a rejected request.
 */
public final class FrameUploadHandler implements Handler {

  private static final int MAX_HEADER_LENGTH = 256;
  private static final int MIN_SIDE = 8;

  private final IngestConfig config;
  private final FrameWriter writer;
  private final RecentFrames recent;
  private final IngestMetrics metrics;

  public FrameUploadHandler(IngestConfig config, FrameWriter writer, IngestMetrics metrics) {
    this.config = config;
    this.writer = writer;
    this.recent = new RecentFrames(config.idempotencyKeys());
    this.metrics = metrics;
  }

  @Override
  public void handle(Context ctx) throws Exception {
    try {
      accept(ctx);
    } catch (ApiException e) {
      metrics.rejected(e.code());
      throw e;
    }
  }

  private void accept(Context ctx) throws Exception {
    String deviceId = requiredHeader(ctx, "X-Device-Id");
    String cameraId = optionalHeader(ctx, "X-Camera-Id");
    String idempotencyKey = optionalHeader(ctx, "Idempotency-Key");
    Instant capturedAt = capturedAt(ctx);
    MediaType declared = MediaType.fromContentType(ctx.header("Content-Type")).orElseThrow(() -> new ApiException(415,
        "unsupported_media_type", "Content-Type must be image/png or image/jpeg, got " + ctx.header("Content-Type")));

    byte[] image = readBody(ctx);
    ProbedImage probed = probe(image, declared);

    String frameId = idempotencyKey == null ? FrameIds.random() : FrameIds.forIdempotencyKey(deviceId, idempotencyKey);
    Frame frame = Frame.newBuilder()
        .setFrameId(frameId)
        .setDeviceId(deviceId)
        .setCameraId(cameraId)
        .setCapturedAt(capturedAt)
        .setIngestedAt(Instant.now())
        .setContentType(probed.type().mimeType())
        .setWidth(probed.width())
        .setHeight(probed.height())
        .setImage(ByteBuffer.wrap(image))
        .setAttributes(Map.of("source", "http"))
        .build();

    Supplier<CompletableFuture<RecordMetadata>> write = () -> {
      try {
        return writer.tryWrite(frame, Duration.ZERO);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    };
    boolean duplicate = false;
    CompletableFuture<RecordMetadata> acked;
    if (idempotencyKey == null) {
      acked = write.get();
    } else {
      RecentFrames.Write<RecordMetadata> once = recent.writeOnce(frameId, write);
      acked = once == null ? null : once.result();
      duplicate = once != null && !once.first();
    }
    if (acked == null) {
      throw ApiException.unavailable("ingest_busy", "too many frames are waiting for Kafka; retry shortly", 1);
    }
    // Answer when Kafka acknowledges, without parking a request thread per frame meanwhile.
    boolean repeat = duplicate;
    ctx.future(() -> acked.orTimeout(config.produceTimeout().toMillis() + 1_000, TimeUnit.MILLISECONDS)
        .handle((metadata, error) -> {
          if (error != null) {
            ApiException refused = refusal(error instanceof java.util.concurrent.CompletionException ? error.getCause() : error);
            metrics.rejected(refused.code());
            throw refused;
          }
          if (repeat) {
            metrics.duplicate();
          } else {
            metrics.accepted(image.length);
          }
          ctx.status(202).json(repeat ? Map.of("frameId", frameId, "duplicate", true) : Map.of("frameId", frameId));
          return null;
        }));
  }

  private static ApiException refusal(Throwable cause) {
    if (cause instanceof TimeoutException) {
      return ApiException.unavailable("kafka_unavailable", "Kafka did not acknowledge the frame in time; retry with the same Idempotency-Key", 5);
    }
    if (cause instanceof org.apache.kafka.common.errors.RecordTooLargeException) {
      return new ApiException(413, "payload_too_large", "Kafka refused the frame as too large: " + cause.getMessage());
    }
    return ApiException.unavailable("kafka_unavailable", "Kafka did not take the frame: " + cause.getMessage()
        + "; retry with the same Idempotency-Key", 5);
  }

  private byte[] readBody(Context ctx) throws IOException {
    long declaredLength = ctx.req().getContentLengthLong();
    if (declaredLength > config.maxBytes()) {
      throw tooLarge(declaredLength);
    }
    byte[] body;
    try (InputStream in = ctx.req().getInputStream()) {
      body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, config.maxBytes() + 1));
    }
    if (body.length > config.maxBytes()) {
      throw tooLarge(body.length);
    }
    if (body.length == 0) {
      throw new ApiException(400, "empty_body", "the request body must be the image bytes");
    }
    return body;
  }

  private ProbedImage probe(byte[] image, MediaType declared) {
    MediaType actual = ImageProbe.sniff(image).orElseThrow(() -> new ApiException(415, "not_an_image",
        "the body does not start like a PNG or JPEG file"));
    if (actual != declared) {
      throw new ApiException(415, "content_type_mismatch",
          "Content-Type says " + declared.mimeType() + " but the bytes are " + actual.mimeType());
    }
    ProbedImage probed;
    try {
      probed = ImageProbe.probe(image, actual);
    } catch (IOException e) {
      throw new ApiException(415, "undecodable_image", "the " + actual.mimeType() + " header cannot be read: " + e.getMessage());
    }
    if (probed.width() < MIN_SIDE || probed.height() < MIN_SIDE) {
      throw new ApiException(400, "image_too_small", "the image is " + probed.width() + "x" + probed.height()
          + " pixels; at least " + MIN_SIDE + " per side is needed to label it");
    }
    if (probed.width() > config.maxDimension() || probed.height() > config.maxDimension()) {
      throw new ApiException(413, "dimensions_too_large", "the image is " + probed.width() + "x" + probed.height()
          + " pixels; at most " + config.maxDimension() + " per side is accepted");
    }
    return probed;
  }

  private ApiException tooLarge(long length) {
    return new ApiException(413, "payload_too_large",
        "the image is " + length + " bytes; at most " + config.maxBytes() + " bytes are accepted (INGEST_MAX_BYTES)");
  }

  private static String requiredHeader(Context ctx, String name) {
    String value = optionalHeader(ctx, name);
    if (value == null) {
      throw new ApiException(400, "missing_header", "the " + name + " header is required");
    }
    return value;
  }

  private static String optionalHeader(Context ctx, String name) {
    String value = ctx.header(name);
    if (value == null || value.isBlank()) {
      return null;
    }
    if (value.length() > MAX_HEADER_LENGTH) {
      throw new ApiException(400, "invalid_header", name + " is longer than " + MAX_HEADER_LENGTH + " characters");
    }
    return value.strip();
  }

  private static Instant capturedAt(Context ctx) {
    String value = optionalHeader(ctx, "X-Captured-At");
    if (value == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(value).toInstant();
    } catch (DateTimeParseException e) {
      throw new ApiException(400, "invalid_header", "X-Captured-At must be an RFC 3339 timestamp such as "
          + "2026-11-26T08:15:30Z, got " + value);
    }
  }
}
