package io.labelstream.ingest.image;

import java.util.Locale;
import java.util.Optional;

/** The image types a fleet may send. */
public enum MediaType {
  PNG("image/png", "png"),
  JPEG("image/jpeg", "jpeg");

  private final String mimeType;
  private final String formatName;

  MediaType(String mimeType, String formatName) {
    this.mimeType = mimeType;
    this.formatName = formatName;
  }

  public String mimeType() {
    return mimeType;
  }

  String formatName() {
    return formatName;
  }

  /** Parses a Content-Type header value, ignoring parameters such as charset. */
  public static Optional<MediaType> fromContentType(String header) {
    if (header == null) {
      return Optional.empty();
    }
    String bare = header.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    for (MediaType type : values()) {
      if (type.mimeType.equals(bare)) {
        return Optional.of(type);
      }
    }
    return Optional.empty();
  }
}
