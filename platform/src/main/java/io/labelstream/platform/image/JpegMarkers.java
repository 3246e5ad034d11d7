package io.labelstream.platform.image;

/** The JPEG markers the header reader and the structure check need (ITU T.81, table B.1). */
final class JpegMarkers {

  static final int SOI = 0xD8;
  static final int EOI = 0xD9;
  static final int SOS = 0xDA;

  private JpegMarkers() {}

  /** Markers without a length and a segment: TEM and the restart markers RST0-7. */
  static boolean standalone(int marker) {
    return marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7);
  }

  /** SOF0-15, except DHT (C4), JPG (C8) and DAC (CC), which share the range. */
  static boolean startOfFrame(int marker) {
    return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
  }

  /** The frame types the JDK's decoder reads: baseline, extended sequential and progressive, Huffman-coded. */
  static boolean decodable(int marker) {
    return marker == 0xC0 || marker == 0xC1 || marker == 0xC2;
  }

  static String describe(int marker) {
    return switch (marker) {
      case 0xC0 -> "baseline";
      case 0xC1 -> "extended sequential";
      case 0xC2 -> "progressive";
      case 0xC3 -> "lossless";
      case 0xC5, 0xC6, 0xC7 -> "hierarchical";
      case 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF -> "arithmetic-coded";
      default -> "SOF 0x" + Integer.toHexString(marker).toUpperCase(java.util.Locale.ROOT);
    };
  }
}
