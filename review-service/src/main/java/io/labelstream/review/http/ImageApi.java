package io.labelstream.review.http;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.labelstream.platform.http.ApiException;
import io.labelstream.review.auth.Role;
import io.labelstream.review.images.FrameImages;
import io.labelstream.review.images.StoredImage;
import io.labelstream.review.queue.GoldTasks;
import io.labelstream.review.queue.ReviewTask;
import io.labelstream.review.queue.TaskImage;
import io.labelstream.review.queue.TaskQueue;
import io.labelstream.review.state.ImageReader;
import java.util.Optional;

/**
 * The image of an open task, for the review page. The queue knows only where it is (see {@link TaskImage}); it is
 * read from the frame store (or, for tasks without a reference, from Kafka) per request, so what open tasks cost the
 * heap does not depend on what senders upload.
 */
public final class ImageApi {

  private final TaskQueue queue;
  private final GoldTasks gold;
  private final ImageReader images;
  private final FrameImages store;
  private final LeaderForwarding forwarding;

  public ImageApi(TaskQueue queue, GoldTasks gold, ImageReader images, FrameImages store,
      LeaderForwarding forwarding) {
    this.queue = queue;
    this.gold = gold;
    this.images = images;
    this.store = store;
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
    byte[] image = bytes(task);
    ctx.contentType(task.contentType()).header("Cache-Control", "private, max-age=300").result(image);
  }

  /**
   * A Kafka failure on the way is HttpService's 503 kafka_unavailable; the store's refusals are {@link
   * StoreErrors}: 410 image_gone, 500 image_corrupt (never a wrong image), 503 frame_store_unavailable.
   */
  public byte[] bytes(ReviewTask task) {
    return bytes(task, task.image());
  }

  private byte[] bytes(ReviewTask task, TaskImage image) {
    if (image instanceof TaskImage.Held held) {
      return held.bytes();
    }
    if (image instanceof TaskImage.Stored stored) {
      if (store.enabled()) {
        return StoreErrors.read(store, stored.image(), task.frameId());
      }
      if (stored.fallback() == null) {
        throw StoreErrors.notConfigured(task.frameId());
      }
      return bytes(task, stored.fallback());
    }
    TaskImage.InKafka at = (TaskImage.InKafka) image;
    ImageReader.Carried carried = images.read(at.topic(), at.partition(), at.offset(), task.frameId())
        .orElseThrow(() -> new ApiException(410, "image_gone", "the image of frame " + task.frameId()
            + " is no longer in " + at.topic() + " (retention)"));
    if (!carried.byReferenceOnly()) {
      return carried.bytes();
    }
    // A frame ingest stored and sent by reference, for a request that did not copy the reference: never its empty
    // inline bytes.
    if (!store.enabled()) {
      throw StoreErrors.notConfigured(task.frameId());
    }
    return StoreErrors.read(store, StoredImage.of(carried.ref()), task.frameId());
  }
}
