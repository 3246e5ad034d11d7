package io.labelstream.platform.image;

import java.util.Arrays;
import java.util.Optional;

/** The encodings a frame may come in, told apart by their first bytes. */
public enum ImageFormat {
  PNG("image/png", new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}),
  JPEG("image/jpeg", new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF});

  private final String mimeType;
  private final byte[] magic;

  ImageFormat(String mimeType, byte[] magic) {
    this.mimeType = mimeType;
    this.magic = magic;
  }

  public String mimeType() {
    return mimeType;
  }

  /** The format the bytes start like, if any. */
  public static Optional<ImageFormat> sniff(byte[] bytes) {
    for (ImageFormat format : values()) {
      byte[] m = format.magic;
      if (bytes.length >= m.length && Arrays.equals(bytes, 0, m.length, m, 0, m.length)) {
        return Optional.of(format);
      }
    }
    return Optional.empty();
  }
}
