package io.labelstream.schemas;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * How frames get their ids. A retry with the same device and Idempotency-Key must land on the same frameId, so
 * the id is a name-based UUID of both; without a key every frame gets a fresh random id.
 */
public final class FrameIds {

  private FrameIds() {}

  public static String forIdempotencyKey(String deviceId, String idempotencyKey) {
    byte[] name = (deviceId + '\u0000' + idempotencyKey).getBytes(StandardCharsets.UTF_8);
    return UUID.nameUUIDFromBytes(name).toString();
  }

  public static String random() {
    return UUID.randomUUID().toString();
  }
}
