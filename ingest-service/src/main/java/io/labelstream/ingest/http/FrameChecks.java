package io.labelstream.ingest.http;

import io.labelstream.ingest.auth.Sender;
import io.labelstream.ingest.config.IngestConfig;
import io.labelstream.ingest.image.ImageProbe;
import io.labelstream.ingest.image.MediaType;
import io.labelstream.platform.http.ApiException;
import io.labelstream.platform.image.ImageHeader;
import io.labelstream.platform.image.ImageStructure;
import io.labelstream.platform.image.RefusedImageException;
import io.labelstream.schemas.FrameIds;
import io.labelstream.schemas.avro.Frame;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The checks every uploaded frame passes, alone or in a batch, and the {@link Frame} record it becomes. Each
 * failure is an {@link ApiException} with a stable code.
 */
final class FrameChecks {

  /** The frame attribute naming the sender whose token uploaded it. */
  static final String SENDER_ATTRIBUTE = "sender";
  private static final int MAX_HEADER_LENGTH = 256;

  private final IngestConfig config;

  FrameChecks(IngestConfig config) {
    this.config = config;
  }

  /**
   * Where a frame came from: the authenticated sender, and headers ({@code X-Device-Id}, {@code X-Camera-Id},
   * {@code X-Captured-At}, {@code Idempotency-Key}).
   */
  record Origin(String deviceId, String cameraId, Instant capturedAt, String idempotencyKey, Sender sender) {

    /**
     * The frameId: derived from device and key under the server secret when there is a key, so a retry gets the same
     * one and nobody without the secret can compute it.
     */
    String frameId(FrameIds ids) {
      return idempotencyKey == null ? FrameIds.random() : ids.idFor(deviceId, idempotencyKey);
    }
  }

  /** Reads the origin headers through {@code header} (a request's or a multipart part's). */
  Origin origin(UnaryOperator<String> header, Sender sender) {
    String deviceId = optionalHeader(header, "X-Device-Id");
    if (deviceId == null) {
      throw new ApiException(400, "missing_header", "the X-Device-Id header is required");
    }
    return new Origin(deviceId, optionalHeader(header, "X-Camera-Id"), capturedAt(header),
        optionalHeader(header, "Idempotency-Key"), sender);
  }

  /** A batch part's origin: its own headers first, the request's for what it does not say. */
  Origin origin(Origin request, UnaryOperator<String> partHeader) {
    String cameraId = optionalHeader(partHeader, "X-Camera-Id");
    Instant capturedAt = capturedAt(partHeader);
    return new Origin(request.deviceId(), cameraId != null ? cameraId : request.cameraId(),
        capturedAt != null ? capturedAt : request.capturedAt(), optionalHeader(partHeader, "Idempotency-Key"),
        request.sender());
  }

  /** Checks the image against its declared Content-Type and the limits, and builds the record. */
  Frame frame(Origin origin, String contentType, byte[] image) {
    MediaType declared = MediaType.fromContentType(contentType).orElseThrow(() -> new ApiException(415,
        "unsupported_media_type", "Content-Type must be image/png or image/jpeg, got " + contentType));
    if (image.length > config.maxBytes()) {
      throw tooLarge(image.length);
    }
    if (image.length == 0) {
      throw new ApiException(400, "empty_body", "the request body must be the image bytes");
    }
    ImageHeader probed = probe(image, declared);
    return Frame.newBuilder()
        .setFrameId(origin.frameId(config.frameIds()))
        .setDeviceId(origin.deviceId())
        .setCameraId(origin.cameraId())
        .setCapturedAt(origin.capturedAt())
        .setIngestedAt(Instant.now())
        .setContentType(probed.format().mimeType())
        .setWidth(probed.width())
        .setHeight(probed.height())
        .setChannels(ImageProbe.colourChannels(image, probed))
        .setImage(ByteBuffer.wrap(image))
        .setAttributes(Map.of("source", "http", SENDER_ATTRIBUTE, origin.sender().name()))
        .build();
  }

  ApiException tooLarge(long length) {
    // Without a store every image travels inside its Kafka record, which is why the limit is where it is.
    String larger = config.frameStore().location().isPresent() ? ""
        : "; larger frames need a frame store (FRAME_STORE), with which they travel by reference";
    return new ApiException(413, "payload_too_large", "the image is " + length + " bytes; at most "
        + config.maxBytes() + " bytes are accepted (INGEST_MAX_BYTES)" + larger);
  }

  /**
   * The header against the declared type and the decode budget, then the structure: everything the worker would
   * refuse before decoding a pixel is refused here, before a 202.
   */
  private ImageHeader probe(byte[] image, MediaType declared) {
    MediaType actual = ImageProbe.sniff(image).orElseThrow(() -> new ApiException(415, "not_an_image",
        "the body does not start like a PNG or JPEG file"));
    if (actual != declared) {
      throw new ApiException(415, "content_type_mismatch",
          "Content-Type says " + declared.mimeType() + " but the bytes are " + actual.mimeType());
    }
    try {
      ImageHeader header = ImageProbe.probe(image, actual);
      config.decodeBudget().check(header);
      ImageStructure.verify(image, header.format());
      return header;
    } catch (RefusedImageException e) {
      throw refused(e, actual);
    }
  }

  private static ApiException refused(RefusedImageException e, MediaType type) {
    return switch (e.reason()) {
      case UNREADABLE_HEADER -> new ApiException(415, e.reason().code(),
          "the " + type.mimeType() + " header cannot be read: " + e.detail());
      case UNSUPPORTED -> new ApiException(415, e.reason().code(), e.detail());
      case TOO_SMALL -> new ApiException(400, e.reason().code(), e.detail());
      case DIMENSIONS_TOO_LARGE, TOO_LARGE -> new ApiException(413, e.reason().code(), e.detail());
      case TRUNCATED, DATA_AFTER_END, CORRUPT, DECODE_TIMEOUT -> new ApiException(422, e.reason().code(),
          "the " + type.mimeType() + " is not complete and intact: " + e.detail());
    };
  }

  private static Instant capturedAt(UnaryOperator<String> header) {
    String value = optionalHeader(header, "X-Captured-At");
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

  private static String optionalHeader(UnaryOperator<String> header, String name) {
    String value = header.apply(name);
    if (value == null || value.isBlank()) {
      return null;
    }
    if (value.length() > MAX_HEADER_LENGTH) {
      throw new ApiException(400, "invalid_header", name + " is longer than " + MAX_HEADER_LENGTH + " characters");
    }
    return value.strip();
  }
}
