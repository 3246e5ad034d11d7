package io.labelstream.platform.image;

import io.labelstream.platform.image.RefusedImageException.Reason;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.zip.CRC32;

/**
 * Checks that an image's structure is complete, without decoding it: every PNG chunk through IEND with a valid CRC,
 * every JPEG segment and scan through EOI, and nothing after the end. A decoder given a truncated file fills the
 * missing part with grey and reports it only as a warning, if at all; a file with data stuck after its end decodes
 * fine and carries a payload. Neither is a frame to label. One pass over the bytes (CRC-32 is hardware-accelerated).
 */
public final class ImageStructure {

  private ImageStructure() {}

  /**
   * @throws RefusedImageException {@code truncated_image}, {@code data_after_image_end} or {@code corrupt_image}
   */
  public static void verify(byte[] bytes, ImageFormat format) throws RefusedImageException {
    if (format == ImageFormat.PNG) {
      verifyPng(bytes);
    } else {
      verifyJpeg(bytes);
    }
  }

  private static void verifyPng(byte[] b) throws RefusedImageException {
    int at = 8;
    boolean imageData = false;
    CRC32 crc = new CRC32();
    while (true) {
      if (at + 12 > b.length) {
        throw new RefusedImageException(Reason.TRUNCATED, "the PNG ends at byte " + b.length
            + " inside a chunk, before its IEND chunk");
      }
      long length = Bytes.uint32(b, at);
      if (length > Integer.MAX_VALUE) {
        throw new RefusedImageException(Reason.CORRUPT, "the PNG chunk at byte " + at + " claims " + length + " bytes");
      }
      String type = new String(b, at + 4, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
      if (!type.chars().allMatch(c -> (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) {
        throw new RefusedImageException(Reason.CORRUPT, "no PNG chunk type at byte " + (at + 4));
      }
      long end = at + 12 + length;
      if (end > b.length) {
        throw new RefusedImageException(Reason.TRUNCATED, "the PNG ends at byte " + b.length + " inside its "
            + type + " chunk, which ends at byte " + end);
      }
      crc.reset();
      crc.update(b, at + 4, 4 + (int) length);
      if ((int) crc.getValue() != Bytes.int32(b, (int) end - 4)) {
        throw new RefusedImageException(Reason.CORRUPT, "the CRC of the " + type + " chunk at byte " + at
            + " does not match its data");
      }
      imageData |= type.equals("IDAT");
      if (type.equals("IEND")) {
        if (!imageData) {
          throw new RefusedImageException(Reason.CORRUPT, "the PNG has no IDAT chunk");
        }
        if (end != b.length) {
          throw new RefusedImageException(Reason.DATA_AFTER_END, (b.length - end)
              + " bytes follow the PNG's IEND chunk");
        }
        return;
      }
      at = (int) end;
    }
  }

  private static void verifyJpeg(byte[] b) throws RefusedImageException {
    int at = 2;
    boolean frame = false;
    boolean scan = false;
    while (true) {
      if (at >= b.length) {
        throw new RefusedImageException(Reason.TRUNCATED, "the JPEG ends at byte " + b.length + " before its EOI marker");
      }
      if (b[at] != (byte) 0xFF) {
        throw new RefusedImageException(Reason.CORRUPT, "no JPEG marker at byte " + at);
      }
      while (at < b.length && b[at] == (byte) 0xFF) {
        at++; // a marker may be preceded by fill bytes
      }
      if (at >= b.length) {
        throw new RefusedImageException(Reason.TRUNCATED, "the JPEG ends at byte " + b.length + " before its EOI marker");
      }
      int marker = b[at++] & 0xFF;
      if (marker == JpegMarkers.EOI) {
        if (!scan) {
          throw new RefusedImageException(Reason.CORRUPT, "the JPEG ends before any image data");
        }
        if (at != b.length) {
          throw new RefusedImageException(Reason.DATA_AFTER_END, (b.length - at) + " bytes follow the JPEG's EOI marker");
        }
        return;
      }
      if (JpegMarkers.standalone(marker)) {
        continue;
      }
      if (marker == 0x00 || marker == JpegMarkers.SOI) {
        throw new RefusedImageException(Reason.CORRUPT, "unexpected JPEG marker 0x" + Integer.toHexString(marker)
            + " at byte " + (at - 1));
      }
      if (at + 2 > b.length) {
        throw new RefusedImageException(Reason.TRUNCATED, "the JPEG ends inside a segment header at byte " + b.length);
      }
      int length = Bytes.uint16(b, at);
      if (length < 2) {
        throw new RefusedImageException(Reason.CORRUPT, "a JPEG segment at byte " + at + " has length " + length);
      }
      if (at + length > b.length) {
        throw new RefusedImageException(Reason.TRUNCATED, "the JPEG ends at byte " + b.length + " inside a segment "
            + "that ends at byte " + (at + length));
      }
      frame |= JpegMarkers.startOfFrame(marker);
      at += length;
      if (marker == JpegMarkers.SOS) {
        if (!frame) {
          throw new RefusedImageException(Reason.CORRUPT, "the JPEG has image data before its frame header");
        }
        scan = true;
        at = endOfEntropyCodedData(b, at);
      }
    }
  }

  /**
   * Where the entropy-coded data of a scan ends: at the first marker that is neither a stuffed zero (FF 00) nor a
   * restart marker (FF D0-D7).
   */
  private static int endOfEntropyCodedData(byte[] b, int from) throws RefusedImageException {
    for (int i = nextFF(b, from); i + 1 < b.length; i = nextFF(b, i + 1)) {
      int next = b[i + 1] & 0xFF;
      if (next == 0x00 || (next >= 0xD0 && next <= 0xD7) || next == 0xFF) {
        if (next != 0xFF) {
          i++; // FF FF is fill before a marker: look at the second FF again
        }
        continue;
      }
      return i;
    }
    throw new RefusedImageException(Reason.TRUNCATED, "the JPEG's image data runs to the end of the file (byte "
        + b.length + ") without an EOI marker");
  }

  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;

  /**
   * The index of the first FF byte at or after {@code from}, or {@code b.length}. Entropy-coded data is nearly all of
   * a JPEG and has an FF only every few hundred bytes, so it is looked for eight bytes at a time (a byte is FF when
   * its complement is zero; the usual zero-byte test), which made this check five times faster on camera frames.
   */
  static int nextFF(byte[] b, int from) {
    int i = from;
    for (; i + 8 <= b.length; i += 8) {
      long complement = ~(long) LONGS.get(b, i);
      if (((complement - ONES) & ~complement & HIGHS) != 0) {
        break; // an FF among these eight: found byte by byte below
      }
    }
    for (; i < b.length; i++) {
      if (b[i] == (byte) 0xFF) {
        return i;
      }
    }
    return b.length;
  }
}
