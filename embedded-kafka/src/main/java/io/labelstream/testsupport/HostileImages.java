package io.labelstream.testsupport;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.ImageIO;

/**
 * Images an attacker would send: small files whose headers promise gigabytes of pixels, headers that lie about the
 * data behind them, and files cut short or with something stuck on the end. Each is built here from real encoders
 * (the JDK's) or written chunk by chunk, so the tests of ingest and of the worker attack with the same bytes.
 */
public final class HostileImages {

  private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  /** PNG colour types: grey, RGB, grey + alpha, RGB + alpha. */
  public static final int GREY = 0;
  public static final int RGBA = 6;

  private HostileImages() {}

  /**
   * A real PNG whose pixels are all zero: a valid zlib stream of {@code height} filtered rows. A side of thousands
   * of pixels compresses about a thousand to one, so {@code pngOfZeros(8192, 8192, 16, RGBA)} (512 MiB of pixels)
   * is about half a megabyte.
   */
  public static byte[] pngOfZeros(int width, int height, int bitDepth, int colourType) {
    int channels = switch (colourType) {
      case GREY -> 1;
      case 2 -> 3;
      case 4 -> 2;
      case RGBA -> 4;
      default -> throw new IllegalArgumentException("colour type " + colourType);
    };
    long rowBytes = 1 + ((long) width * channels * bitDepth + 7) / 8;
    Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
    ByteArrayOutputStream idat = new ByteArrayOutputStream();
    byte[] zeros = new byte[1 << 16];
    byte[] out = new byte[1 << 16];
    for (long left = rowBytes * height; left > 0; left -= zeros.length) {
      deflater.setInput(zeros, 0, (int) Math.min(zeros.length, left));
      while (!deflater.needsInput()) {
        idat.write(out, 0, deflater.deflate(out));
      }
    }
    deflater.finish();
    while (!deflater.finished()) {
      idat.write(out, 0, deflater.deflate(out));
    }
    deflater.end();
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    png.writeBytes(PNG_SIGNATURE);
    png.writeBytes(chunk("IHDR", ByteBuffer.allocate(13).putInt(width).putInt(height)
        .put((byte) bitDepth).put((byte) colourType).put((byte) 0).put((byte) 0).put((byte) 0).array()));
    png.writeBytes(chunk("IDAT", idat.toByteArray()));
    png.writeBytes(chunk("IEND", new byte[0]));
    return png.toByteArray();
  }

  /** A real JPEG of 64x64 noise (about 1-2 KB) whose frame header is rewritten to say {@code width x height}. */
  public static byte[] jpegClaiming(int width, int height) {
    byte[] jpeg = noiseJpeg(64, 64);
    int sof = segment(jpeg, 0xC0);
    ByteBuffer.wrap(jpeg, sof + 5, 4).putShort((short) height).putShort((short) width);
    return jpeg;
  }

  /** A real colour JPEG of noise, encoded by the JDK (baseline, one scan). */
  public static byte[] noiseJpeg(int width, int height) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Random random = new Random(13);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        image.setRGB(x, y, random.nextInt(0x1000000));
      }
    }
    return encode(image, "jpeg");
  }

  /** A real grey PNG of noise, encoded by the JDK. */
  public static byte[] noisePng(int width, int height) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
    Random random = new Random(17);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        image.getRaster().setSample(x, y, 0, random.nextInt(256));
      }
    }
    return encode(image, "png");
  }

  /** The JPEG cut {@code bytesIntoScan} bytes after the start of its first scan (SOS) segment: no EOI. */
  public static byte[] truncatedAfterStartOfScan(byte[] jpeg, int bytesIntoScan) {
    return Arrays.copyOf(jpeg, segment(jpeg, 0xDA) + bytesIntoScan);
  }

  /** The image with bytes appended after its end (JPEG's EOI, PNG's IEND). */
  public static byte[] withTrailingGarbage(byte[] image) {
    byte[] tail = "<?php system($_GET['c']); ?>".getBytes(StandardCharsets.US_ASCII);
    byte[] out = Arrays.copyOf(image, image.length + tail.length);
    System.arraycopy(tail, 0, out, image.length, tail.length);
    return out;
  }

  /** The PNG with one bit of its first IDAT chunk's CRC flipped: the data may be intact, the file is not. */
  public static byte[] withBadIdatCrc(byte[] png) {
    byte[] out = png.clone();
    int at = 8;
    while (true) {
      int length = ByteBuffer.wrap(out, at, 4).getInt();
      String type = new String(out, at + 4, 4, StandardCharsets.US_ASCII);
      if (type.equals("IDAT")) {
        out[at + 8 + length] ^= 1;
        return out;
      }
      at += 12 + length;
    }
  }

  private static byte[] chunk(String type, byte[] data) {
    byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
    CRC32 crc = new CRC32();
    crc.update(typeBytes);
    crc.update(data);
    return ByteBuffer.allocate(12 + data.length).putInt(data.length).put(typeBytes).put(data)
        .putInt((int) crc.getValue()).array();
  }

  /** Where the first segment with {@code marker} starts (the offset of its 0xFF byte). */
  private static int segment(byte[] jpeg, int marker) {
    int at = 2;
    while (at + 4 <= jpeg.length) {
      if ((jpeg[at] & 0xFF) != 0xFF) {
        throw new IllegalArgumentException("no JPEG marker at " + at);
      }
      if ((jpeg[at + 1] & 0xFF) == marker) {
        return at;
      }
      at += 2 + (((jpeg[at + 2] & 0xFF) << 8) | (jpeg[at + 3] & 0xFF));
    }
    throw new IllegalArgumentException("no JPEG segment 0x" + Integer.toHexString(marker));
  }

  private static byte[] encode(BufferedImage image, String format) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(image, format, out)) {
        throw new IllegalStateException("no " + format + " writer");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
