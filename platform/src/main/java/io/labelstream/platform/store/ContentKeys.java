package io.labelstream.platform.store;

import io.labelstream.platform.hash.Sha256;
import io.labelstream.schemas.avro.ImageRef;
import java.util.HexFormat;

/**
 * How an image's bytes become its key and reference: {@code sha256/<first two hex digits>/<64 hex digits>}, the
 * two-digit folder keeping any one directory (or S3 listing page) to a 256th of the objects.
 */
public final class ContentKeys {

  private static final String PREFIX = "sha256/";

  private ContentKeys() {}

  /** Lower-case hex SHA-256 of {@code bytes}. */
  public static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(Sha256.of(bytes));
  }

  /** The key of the image whose hex SHA-256 is {@code sha256}. */
  public static String key(String sha256) {
    if (!sha256.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException("not a lower-case hex SHA-256: " + sha256);
    }
    return PREFIX + sha256.substring(0, 2) + "/" + sha256;
  }

  /** Whether {@code key} is one this scheme makes (anything else under a store's root is not ours to delete). */
  public static boolean isContentKey(String key) {
    return key.startsWith(PREFIX) && key.length() == PREFIX.length() + 3 + 64
        && key.substring(PREFIX.length() + 3).matches("[0-9a-f]{64}")
        && key.substring(PREFIX.length(), PREFIX.length() + 2).equals(key.substring(PREFIX.length() + 3,
            PREFIX.length() + 5));
  }

  /** The reference to {@code image} in the store at {@code location}. */
  public static ImageRef ref(String location, byte[] image, String contentType) {
    String sha = sha256(image);
    return ImageRef.newBuilder().setStore(location).setKey(key(sha)).setSize(image.length).setSha256(sha)
        .setContentType(contentType).build();
  }

  /**
   * {@code bytes} when they are what {@code ref} names.
   *
   * @throws FrameStoreException {@code CORRUPT} when the size or the SHA-256 differs
   */
  public static byte[] verified(ImageRef ref, byte[] bytes) throws FrameStoreException {
    if (bytes.length != ref.getSize()) {
      throw new FrameStoreException(FrameStoreException.Kind.CORRUPT, "the stored object " + ref.getKey() + " has "
          + bytes.length + " bytes, the reference says " + ref.getSize());
    }
    String actual = sha256(bytes);
    if (!actual.equals(ref.getSha256())) {
      throw new FrameStoreException(FrameStoreException.Kind.CORRUPT, "the stored object " + ref.getKey()
          + " does not match its SHA-256 (" + actual + " instead of " + ref.getSha256() + ")");
    }
    return bytes;
  }
}
