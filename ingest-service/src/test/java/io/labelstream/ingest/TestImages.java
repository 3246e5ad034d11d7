package io.labelstream.ingest;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/** Real images for tests: the bundled Fashion-MNIST samples, and JPEGs encoded here by the JDK. */
final class TestImages {

  private TestImages() {}

  static Path samples() {
    return Path.of(System.getProperty("labelstream.root", "..")).resolve("model/samples");
  }

  static byte[] samplePng(int index) {
    try {
      return Files.readAllBytes(samples().resolve(String.format("test-%05d.png", index)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A real grey PNG of the given size. */
  static byte[] png(int width, int height) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY), "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** A small PNG whose header (with a valid CRC) claims a huge size: a decompression bomb's calling card. */
  static byte[] pngClaiming(int width, int height) {
    byte[] png = png(1, 1);
    java.nio.ByteBuffer.wrap(png, 16, 8).putInt(width).putInt(height);
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(png, 12, 17);
    java.nio.ByteBuffer.wrap(png, 29, 4).putInt((int) crc.getValue());
    return png;
  }

  /** A colour camera frame of this size: a gradient with a coloured square, as ImageIO writes it ("jpeg" or "png"). */
  static byte[] colour(int width, int height, String format) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        boolean square = x > width / 3 && x < width / 2 && y > height / 3 && y < height / 2;
        image.setRGB(x, y, square ? 0xD02020 : (x * 255 / width) << 8 | (y * 255 / height));
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, format, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** A camera-sized noisy colour JPEG at top quality: several MiB, like a real high-resolution frame. */
  static byte[] largeJpeg(int width, int height) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Random random = new Random(42);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        image.setRGB(x, y, random.nextInt(0x1000000));
      }
    }
    Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
    ImageWriter writer = writers.next();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
      writer.setOutput(stream);
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(1.0f);
      writer.write(null, new IIOImage(image, null, null), param);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      writer.dispose();
    }
    return out.toByteArray();
  }
}
