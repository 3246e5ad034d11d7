package io.labelstream.ingest.http;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.labelstream.ingest.auth.Sender;
import io.labelstream.ingest.http.FrameChecks.Origin;
import io.labelstream.ingest.http.FrameSubmitter.Pending;
import io.labelstream.platform.http.ApiException;
import io.labelstream.schemas.avro.Frame;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * {@code POST /v1/frames}: checks the sender and one uploaded frame, and answers 202 only once Kafka has
 * acknowledged it. Nothing is written for a rejected request.
 */
public final class FrameUploadHandler implements Handler {

  private final FrameIntake intake;

  FrameUploadHandler(FrameIntake intake) {
    this.intake = intake;
  }

  @Override
  public void handle(Context ctx) throws Exception {
    Sender sender = null;
    try {
      sender = intake.senders().authenticate(ctx);
      intake.senders().admit(sender, 1);
      Origin origin = intake.checks().origin(ctx::header, sender);
      String contentType = ctx.header("Content-Type");
      long declaredLength = ctx.req().getContentLengthLong();
      if (declaredLength > intake.config().maxBytes()) {
        throw intake.checks().tooLarge(declaredLength);
      }
      int room = intake.bodies().take(declaredLength >= 0 ? declaredLength : intake.config().maxBytes() + 1);
      try {
        Frame frame = intake.checks().frame(origin, contentType, readBody(ctx, declaredLength));
        Pending pending = intake.submitter().submit(frame, origin.idempotencyKey() != null);
        intake.acks().answerWhenAcked(ctx, List.of(pending), frames -> frames.get(0));
      } finally {
        intake.bodies().give(room);
      }
    } catch (ApiException e) {
      intake.metrics().rejected(e.code(), sender, 1);
      throw e;
    }
  }

  private byte[] readBody(Context ctx, long declaredLength) throws IOException {
    byte[] body;
    try (InputStream in = ctx.req().getInputStream()) {
      if (declaredLength >= 0) {
        // Read straight into an array of the announced size: one copy of the image, however large.
        body = new byte[(int) declaredLength];
        int read = in.readNBytes(body, 0, body.length);
        if (read < body.length) {
          throw incomplete(declaredLength, read + " bytes arrived");
        }
        return body;
      }
      // No Content-Length: one byte over the limit is enough to know the body is too large.
      body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, intake.config().maxBytes() + 1));
    } catch (IOException e) {
      // The client went away mid-body (Jetty's early EOF): what arrived is part of an image, never a frame.
      throw incomplete(declaredLength, e.getMessage());
    }
    return body;
  }

  private static ApiException incomplete(long declaredLength, String detail) {
    return new ApiException(400, "incomplete_body", "the body ended before the " + declaredLength
        + " bytes its Content-Length announced (" + detail + ")");
  }
}
