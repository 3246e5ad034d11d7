package io.labelstream.tools.fashionmnist;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/** Square grey images as raw bytes (one per pixel, row by row) to and from the files a camera would send. */
public final class GreyImages {

  private GreyImages() {}

  /** The image as a PNG, lossless: what the evaluations post to the worker. */
  public static byte[] png(byte[] pixels, int side) {
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    try {
      ImageIO.write(image(pixels, side), "png", png);
    } catch (IOException e) {
      throw new UncheckedIOException("ImageIO cannot write a PNG in memory", e);
    }
    return png.toByteArray();
  }

  /** The image as a baseline JPEG at {@code quality} (1-100), through ImageIO. */
  public static byte[] jpeg(byte[] pixels, int side, int quality) {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
    try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(jpeg)) {
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(quality / 100f);
      writer.setOutput(out);
      writer.write(null, new IIOImage(image(pixels, side), null, null), param);
    } catch (IOException e) {
      throw new UncheckedIOException("ImageIO cannot write a JPEG in memory", e);
    } finally {
      writer.dispose();
    }
    return jpeg.toByteArray();
  }

  /** The grey pixels of an encoded {@code side x side} grey image (PNG or JPEG). */
  public static byte[] pixels(byte[] encoded, int side) throws IOException {
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(encoded));
    if (image == null || image.getWidth() != side || image.getHeight() != side
        || image.getType() != BufferedImage.TYPE_BYTE_GRAY) {
      throw new IOException("not a " + side + "x" + side + " grey image ImageIO can read");
    }
    return (byte[]) image.getRaster().getDataElements(0, 0, side, side, new byte[side * side]);
  }

  private static BufferedImage image(byte[] pixels, int side) {
    BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_BYTE_GRAY);
    image.getRaster().setDataElements(0, 0, side, side, pixels);
    return image;
  }
}
