package io.labelstream.review.http;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.labelstream.platform.http.ApiException;
import io.labelstream.review.auth.Role;
import io.labelstream.review.queue.GoldTasks;
import io.labelstream.review.queue.ReviewTask;
import io.labelstream.review.queue.TaskImage;
import io.labelstream.review.queue.TaskQueue;
import io.labelstream.review.state.ImageReader;
import java.util.Optional;

/**
 * The image of an open task, for the review page. The queue knows only where it is (see {@link TaskImage}); it is
 * read from Kafka per request, so what open tasks cost the heap does not depend on what senders upload.
 */
public final class ImageApi {

  private final TaskQueue queue;
  private final GoldTasks gold;
  private final ImageReader images;
  private final LeaderForwarding forwarding;

  public ImageApi(TaskQueue queue, GoldTasks gold, ImageReader images, LeaderForwarding forwarding) {
    this.queue = queue;
    this.gold = gold;
    this.images = images;
    this.forwarding = forwarding;
  }

  /** After {@link ReviewApi#register}, which authenticates every {@code /v1} call. */
  public void register(Javalin app) {
    app.get("/v1/frames/{frameId}/image", this::image, Role.REVIEWER, Role.ADMIN);
  }

  private void image(Context ctx) {
    String frameId = ctx.pathParam("frameId");
    // A gold task a peek named is not open until claimed; its image is preloaded like any other.
    Optional<ReviewTask> open = queue.openTaskOfFrame(frameId)
        .or(() -> gold.peekedBy(BearerAuth.reviewer(ctx).name(), frameId));
    if (open.isEmpty() && !forwarding.handledHere()) {
      // Just claimed on the leader; this instance may not have read the request yet.
      forwarding.forward(ctx);
      return;
    }
    ReviewTask task = open.orElseThrow(() -> new ApiException(404, "image_not_found",
        "no open review task holds the image of frame " + frameId));
    ctx.contentType(task.contentType()).header("Cache-Control", "private, max-age=300").result(bytes(task));
  }

  /** A Kafka failure on the way is HttpService's 503 kafka_unavailable. */
  private byte[] bytes(ReviewTask task) {
    if (task.image() instanceof TaskImage.Held held) {
      return held.bytes();
    }
    TaskImage.InKafka at = (TaskImage.InKafka) task.image();
    return images.read(at.topic(), at.partition(), at.offset(), task.frameId())
        .orElseThrow(() -> new ApiException(410, "image_gone", "the image of frame " + task.frameId()
            + " is no longer in " + at.topic() + " (retention)"));
  }
}
