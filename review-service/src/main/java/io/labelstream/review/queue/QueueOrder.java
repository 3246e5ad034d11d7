package io.labelstream.review.queue;

import io.labelstream.platform.config.Env;
import io.labelstream.platform.config.ReviewVariables;
import java.util.Locale;

/**
 * Which waiting task a reviewer gets next ({@code REVIEW_QUEUE_ORDER}). Audit tasks carry priorities spread over the
 * low-confidence range (the inference worker draws them), so under every order they sit among the other tasks and
 * cannot be told apart by position.
 */
public enum QueueOrder {
  /** Most uncertain first (highest priority), then oldest: the model learns most from these answers. */
  UNCERTAINTY,
  /** Oldest first. */
  FIFO,
  /** One task per predicted class in turn, most uncertain first within a class: no class starves. */
  ROUND_ROBIN;

  public static QueueOrder from(Env env) {
    return valueOf(env.get(ReviewVariables.REVIEW_QUEUE_ORDER).toUpperCase(Locale.ROOT));
  }
}
