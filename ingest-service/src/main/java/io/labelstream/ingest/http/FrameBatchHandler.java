package io.labelstream.ingest.http;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.labelstream.ingest.auth.Sender;
import io.labelstream.ingest.http.FrameChecks.Origin;
import io.labelstream.platform.http.ApiException;
import io.labelstream.schemas.avro.Frame;
import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Part;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code POST /v1/frames/batch}: many frames in one {@code multipart/form-data} request, as an edge gateway that
 * buffers a burst of frames sends them. Every part is checked like a single upload first; one bad part refuses the
 * whole batch (naming the part) and nothing is written. The answer, 202 with one frameId per part in order, comes
 * once Kafka has every frame. One request carries many frames, so the HTTP work per frame shrinks.
 */
public final class FrameBatchHandler implements Handler {

  /** Where Jetty reads the multipart settings of a request (its {@code Request.__MULTIPART_CONFIG_ELEMENT}). */
  private static final String MULTIPART_CONFIG = "org.eclipse.jetty.multipartConfig";
  /**
   * How Jetty's multipart parsers (both compliance modes) begin the message of the IllegalStateException they throw at
   * the form-key limit, which {@link FrameRoutes#configure} sets to the batch limit. The exception has no type of its
   * own; IngestApiIT's ten-thousand-part batch fails if a Jetty upgrade words it differently.
   */
  private static final String TOO_MANY_PARTS = "Form with too many parts";
  /** How many frames the request holds, once its parts are read: a refusal counts them against the sender. */
  private static final String FRAME_COUNT = "labelstream.frames";

  private final FrameIntake intake;
  private final MultipartConfigElement multipart;

  FrameBatchHandler(FrameIntake intake) {
    this.intake = intake;
    // Parts up to the image limit stay in memory (the threshold is above it), so nothing touches the disk.
    this.multipart = new MultipartConfigElement(System.getProperty("java.io.tmpdir"), intake.config().maxBytes(),
        intake.config().maxBatchBytes(), (int) Math.min(Integer.MAX_VALUE, intake.config().maxBytes() + 1));
  }

  @Override
  public void handle(Context ctx) throws Exception {
    Sender sender = null;
    try {
      sender = intake.senders().authenticate(ctx);
      accept(ctx, sender);
    } catch (ApiException e) {
      Integer frames = ctx.attribute(FRAME_COUNT);
      intake.metrics().rejected(e.code(), sender, frames == null ? 1 : frames);
      throw e;
    }
  }

  private void accept(Context ctx, Sender sender) throws IOException {
    Origin request = intake.checks().origin(ctx::header, sender);
    String contentType = ctx.header("Content-Type");
    if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
      throw new ApiException(415, "unsupported_media_type",
          "a batch must be multipart/form-data with one image part per frame, got " + contentType);
    }
    long declaredLength = ctx.req().getContentLengthLong();
    if (declaredLength > intake.config().maxBatchBytes()) {
      throw batchTooLarge(declaredLength);
    }
    int room = intake.bodies().take(declaredLength >= 0 ? declaredLength : intake.config().maxBatchBytes());
    try {
      accept(ctx, sender, request);
    } finally {
      intake.bodies().give(room);
    }
  }

  /** Reads, checks and submits the parts of a batch whose body has room to be read. */
  private void accept(Context ctx, Sender sender, Origin request) throws IOException {
    List<Part> parts = imageParts(ctx);
    ctx.attribute(FRAME_COUNT, parts.size());
    intake.senders().admit(sender, parts.size());
    List<Frame> frames = new ArrayList<>(parts.size());
    List<Boolean> idempotent = new ArrayList<>(parts.size());
    for (int i = 0; i < parts.size(); i++) {
      Part part = parts.get(i);
      try {
        Origin origin = intake.checks().origin(request, part::getHeader);
        byte[] image;
        try (InputStream in = part.getInputStream()) {
          image = in.readAllBytes();
        }
        frames.add(intake.checks().frame(origin, part.getContentType(), image));
        idempotent.add(origin.idempotencyKey() != null);
      } catch (ApiException e) {
        throw new ApiException(e.status(), e.code(), "frame " + (i + 1) + " of " + parts.size() + " (part \""
            + part.getName() + "\"): " + e.getMessage());
      }
    }
    intake.acks().answerWhenAcked(ctx, intake.submitter().submitAll(frames, idempotent), answers -> Map.of("frames", answers));
  }

  private List<Part> imageParts(Context ctx) throws IOException {
    ctx.req().setAttribute(MULTIPART_CONFIG, multipart);
    Collection<Part> parts;
    try {
      parts = ctx.req().getParts();
    } catch (IllegalStateException tooLarge) {
      // Jetty's way of saying a part or the whole request is over the multipart limits.
      if (String.valueOf(tooLarge.getMessage()).startsWith(TOO_MANY_PARTS)) {
        throw tooManyFrames("more than " + intake.config().maxBatchFrames());
      }
      throw new ApiException(413, "payload_too_large", "the batch is over a limit: " + tooLarge.getMessage()
          + " (at most " + intake.config().maxBytes() + " bytes per image, " + intake.config().maxBatchBytes() + " per batch)");
    } catch (ServletException | IOException unreadable) {
      throw new ApiException(400, "invalid_multipart", "the body is not readable multipart/form-data: "
          + unreadable.getMessage());
    }
    List<Part> images = new ArrayList<>(parts);
    if (images.isEmpty()) {
      throw new ApiException(400, "empty_batch", "the batch holds no parts; send one image part per frame");
    }
    if (images.size() > intake.config().maxBatchFrames()) {
      throw tooManyFrames(Integer.toString(images.size()));
    }
    return images;
  }

  private ApiException tooManyFrames(String count) {
    return new ApiException(413, "too_many_frames", "the batch holds " + count + " frames; at most "
        + intake.config().maxBatchFrames() + " are accepted in one request (INGEST_MAX_BATCH_FRAMES)");
  }

  private ApiException batchTooLarge(long length) {
    return new ApiException(413, "payload_too_large", "the batch is " + length + " bytes; at most "
        + intake.config().maxBatchBytes() + " bytes are accepted (INGEST_MAX_BATCH_BYTES)");
  }
}
