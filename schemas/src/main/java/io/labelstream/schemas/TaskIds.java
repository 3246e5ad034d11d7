package io.labelstream.schemas;

import io.labelstream.schemas.avro.ReviewReason;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Review task ids. Derived from what the task is about, so a review request produced twice (a retry or a replay) is
 * the same task and can never be answered twice; opaque, so an id alone does not say what the task is about. A gold
 * task takes the id an audit of its (keyed, per reviewer) frame id would have, so it cannot be told from an audit.
 */
public final class TaskIds {

  private TaskIds() {}

  /** The task for a frame sent to people for {@code reason}. */
  public static String of(String frameId, ReviewReason reason) {
    return opaque(reason.name() + "/" + frameId);
  }

  /** The task made by the {@code n}th flag of a frame's final label. */
  public static String flagged(String frameId, long n) {
    return opaque(ReviewReason.FLAGGED.name() + "/" + frameId + "/" + n);
  }

  private static String opaque(String about) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(about.getBytes(StandardCharsets.UTF_8));
      return "t-" + HexFormat.of().formatHex(hash, 0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
