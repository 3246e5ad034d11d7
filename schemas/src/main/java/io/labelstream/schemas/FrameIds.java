package io.labelstream.schemas;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * How frames get their ids. A retry with the same device and Idempotency-Key must land on the same frameId, so the
 * id is derived from both; without a key every frame gets a fresh random id.
 *
 * <p>Ingest derives it with a keyed hash (HMAC-SHA256 under a server secret, {@link #keyed}): whoever knows a
 * device id and the keys a fleet uses still cannot name its frames, which would let a reviewer look up or flag a
 * frame they were never given. The id stays UUID-shaped (version 8, "custom", of RFC 9562), so every store and
 * export that takes a UUID takes it.
 */
public final class FrameIds {

  private static final String HMAC = "HmacSHA256";

  /** One keyed Mac per thread: ingest derives an id per frame, and a Mac is neither free to make nor thread-safe. */
  private final ThreadLocal<Mac> macs;

  private FrameIds(byte[] secret) {
    SecretKeySpec key = new SecretKeySpec(secret, HMAC);
    this.macs = ThreadLocal.withInitial(() -> {
      try {
        Mac mac = Mac.getInstance(HMAC);
        mac.init(key);
        return mac;
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("every JVM has " + HMAC, e);
      }
    });
  }

  /** Frame ids under this server secret (its UTF-8 bytes are the HMAC key). */
  public static FrameIds keyed(String secret) {
    if (secret.length() < 16) {
      throw new IllegalArgumentException("a frame id secret needs at least 16 characters");
    }
    return new FrameIds(secret.getBytes(StandardCharsets.UTF_8));
  }

  /** The frameId of a device's frame sent with an Idempotency-Key: the same for every retry under one secret. */
  public String idFor(String deviceId, String idempotencyKey) {
    // doFinal resets the Mac to its key for the next call.
    byte[] digest = macs.get().doFinal(name(deviceId, idempotencyKey));
    digest[6] = (byte) ((digest[6] & 0x0F) | 0x80); // version 8: custom
    digest[8] = (byte) ((digest[8] & 0x3F) | 0x80); // the RFC 4122/9562 variant
    ByteBuffer bits = ByteBuffer.wrap(digest, 0, 16);
    return new UUID(bits.getLong(), bits.getLong()).toString();
  }

  /**
   * The public, unkeyed derivation (a name-based UUIDv3 of device and key) that ingest used before frame ids were
   * keyed. Anyone can compute it.
   *
   * @deprecated derivable by anyone who knows the device id and key; ingest uses {@link #keyed}. Still what
   *     {@link FleetFrameProducer} gives frames written straight to Kafka, which need no server secret.
   */
  @Deprecated
  public static String forIdempotencyKey(String deviceId, String idempotencyKey) {
    return UUID.nameUUIDFromBytes(name(deviceId, idempotencyKey)).toString();
  }

  public static String random() {
    return UUID.randomUUID().toString();
  }

  private static byte[] name(String deviceId, String idempotencyKey) {
    return (deviceId + '\u0000' + idempotencyKey).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "FrameIds[keyed, secret hidden]";
  }
}
