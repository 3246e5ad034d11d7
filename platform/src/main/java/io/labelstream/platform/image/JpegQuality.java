package io.labelstream.platform.image;

/**
 * How hard a JPEG was compressed, read from its luma quantisation table: the IJG quality (1-100, the scale libjpeg,
 * ImageIO, PIL and OpenCV take) whose scaled table is nearest to the file's. A camera or a proxy that starts to
 * compress harder changes this number on its first frame, long before the model's scores or the pixels' statistics
 * show it (issue 16). An encoder with tables of its own gets the IJG quality nearest to them: still the same number
 * for every frame it writes with the same setting, which is what a drift test compares.
 */
public final class JpegQuality {

  /** ITU T.81 Annex K, table K.1 (luminance), in zigzag order as DQT stores it; IJG scales it by quality. */
  private static final int[] STANDARD_LUMA = {
      16, 11, 12, 14, 12, 10, 16, 14, 13, 14, 18, 17, 16, 19, 24, 40,
      26, 24, 22, 22, 24, 49, 35, 37, 29, 40, 58, 51, 61, 60, 57, 51,
      56, 55, 64, 72, 92, 78, 64, 68, 87, 69, 55, 56, 80, 109, 81, 87,
      95, 98, 103, 104, 103, 62, 77, 113, 121, 112, 100, 120, 92, 101, 103, 99};
  private static final int DQT = 0xDB;
  /** The IJG table of each quality 1-100 (libjpeg's jpeg_quality_scaling, baseline-clamped), made once. */
  private static final int[][] IJG_TABLES = new int[101][64];

  static {
    for (int quality = 1; quality <= 100; quality++) {
      int scale = quality < 50 ? 5000 / quality : 200 - 2 * quality;
      for (int i = 0; i < 64; i++) {
        IJG_TABLES[quality][i] = Math.max(1, Math.min(255, (STANDARD_LUMA[i] * scale + 50) / 100));
      }
    }
  }

  private JpegQuality() {}

  /**
   * The IJG quality of a JPEG's luma table (table 0), 1-100; NaN when the file has no table 0 before its first scan
   * (not a JPEG this reads). Reads only the header segments, which the structure check has already walked.
   */
  public static double of(byte[] jpeg) {
    int[] table = lumaTable(jpeg);
    return table == null ? Double.NaN : nearestQuality(table);
  }

  /**
   * The IJG quality whose table is nearest in sum of |diff| (a few microseconds: a candidate is dropped as soon as it
   * is farther than the best so far).
   */
  static int nearestQuality(int[] table) {
    int best = 1;
    long bestDistance = Long.MAX_VALUE;
    for (int quality = 1; quality <= 100; quality++) {
      int[] candidate = IJG_TABLES[quality];
      long distance = 0;
      for (int i = 0; i < 64 && distance <= bestDistance; i++) {
        distance += Math.abs(candidate[i] - table[i]);
      }
      if (distance <= bestDistance) { // ties go to the higher quality: several give all-ones tables
        best = quality;
        bestDistance = distance;
      }
    }
    return best;
  }

  /** Table 0 of the DQT segments before the first SOS, in stored (zigzag) order; null if there is none. */
  private static int[] lumaTable(byte[] b) {
    if (b.length < 4 || (b[0] & 0xFF) != 0xFF || (b[1] & 0xFF) != JpegMarkers.SOI) {
      return null;
    }
    int at = 2;
    while (at + 4 <= b.length && (b[at] & 0xFF) == 0xFF) {
      int marker = b[at + 1] & 0xFF;
      if (marker == 0xFF) {
        at++; // fill byte
        continue;
      }
      if (JpegMarkers.standalone(marker)) {
        at += 2;
        continue;
      }
      if (marker == JpegMarkers.SOS || marker == JpegMarkers.EOI) {
        return null;
      }
      int length = Bytes.uint16(b, at + 2);
      int end = at + 2 + length;
      if (length < 2 || end > b.length) {
        return null;
      }
      if (marker == DQT) {
        int[] table = tableZero(b, at + 4, end);
        if (table != null) {
          return table;
        }
      }
      at = end;
    }
    return null;
  }

  /** Table 0 among the tables of one DQT segment's payload [from, end), or null. */
  private static int[] tableZero(byte[] b, int from, int end) {
    int at = from;
    while (at < end) {
      int precision = (b[at] & 0xFF) >> 4;
      int id = b[at] & 0x0F;
      int size = precision == 0 ? 64 : 128;
      if (at + 1 + size > end) {
        return null;
      }
      if (id == 0) {
        int[] table = new int[64];
        for (int i = 0; i < 64; i++) {
          table[i] = precision == 0 ? b[at + 1 + i] & 0xFF : Bytes.uint16(b, at + 1 + 2 * i);
        }
        return table;
      }
      at += 1 + size;
    }
    return null;
  }
}
