package io.labelstream.review.http;

import io.javalin.Javalin;
import io.labelstream.platform.http.ApiException;
import io.labelstream.review.cluster.NotQueueLeaderException;
import io.labelstream.review.partitioned.FrameStateUnavailable;
import io.labelstream.review.queue.TaskRefused;

/**
 * The one place where the review service's domain exceptions become HTTP answers: the queue and cluster code say
 * what went wrong, this class says which status and error code the caller gets.
 */
final class ReviewErrors {

  private ReviewErrors() {}

  static void register(Javalin app) {
    app.exception(TaskRefused.class, (e, ctx) -> of(e).answer(ctx));
    app.exception(NotQueueLeaderException.class, (e, ctx) -> of(e).answer(ctx));
    app.exception(FrameStateUnavailable.class, (e, ctx) -> of(e).answer(ctx));
  }

  static ApiException of(FrameStateUnavailable e) {
    return switch (e.reason()) {
      case STATE_MOVING -> ApiException.unavailable("state_moving", e.getMessage(), 1);
      case OWNER_UNAVAILABLE -> ApiException.unavailable("owner_unavailable", e.getMessage(), 1);
      case CLUSTER_TOKEN_MISMATCH -> ApiException.unavailable("cluster_token_mismatch", e.getMessage(), 5);
    };
  }

  static ApiException of(TaskRefused e) {
    return switch (e.reason()) {
      case TASK_NOT_FOUND -> new ApiException(404, "task_not_found", e.getMessage());
      case ALREADY_ANSWERED -> new ApiException(409, "already_answered", e.getMessage());
      case LEASE_NOT_HELD -> new ApiException(409, "lease_not_held", e.getMessage());
      // No Retry-After: the cap frees up when the caller answers, releases or skips a task, not after a while.
      case TOO_MANY_LEASES -> new ApiException(429, "too_many_leases", e.getMessage());
    };
  }

  static ApiException of(NotQueueLeaderException e) {
    return ApiException.unavailable("not_leader", e.getMessage(), 1);
  }
}
