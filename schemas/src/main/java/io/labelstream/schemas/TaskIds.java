package io.labelstream.schemas;

import io.labelstream.schemas.avro.ReviewReason;
import java.util.Locale;

/**
 * Review task ids are derived from the frame and the reason, so a review request that is produced twice (a retry
 * or a replay) is the same task and can never be answered twice.
 */
public final class TaskIds {

  private TaskIds() {}

  public static String of(String frameId, ReviewReason reason) {
    return reason.name().toLowerCase(Locale.ROOT).replace('_', '-') + "-" + frameId;
  }
}
