package io.labelstream.tools.bench;

import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Colour camera frames for the 720p figures: 1280x720 JPEGs at quality 85 with what makes a real frame cost what
 * it costs to decode (a lit background, an object, sensor noise in every 8x8 block; a flat synthetic picture
 * compresses to a few kilobytes and decodes several times faster than a camera's). Made from the bundled samples,
 * so each frame shows a recognisable object, and seeded, so every run decodes the same bytes.
 *
 * <p>The pixels part of issue 14 brings {@code io.labelstream.testsupport.CameraFrames} for the decode figures; once
 * both are merged, the 720p figures should take those same frames (one generator, "same run, same images").
 */
final class CameraJpegs {

  static final int WIDTH = 1280;
  static final int HEIGHT = 720;
  /** JPEG quality of the frames: what IP cameras' default profiles and phone captures use. */
  private static final float QUALITY = 0.85f;
  /** Standard deviation of the sensor noise, in 0-255 levels: a camera indoors. */
  private static final double NOISE = 6;

  private CameraJpegs() {}

  /** {@code count} distinct 1280x720 colour JPEGs, one per sample PNG (cycled). */
  static List<byte[]> jpegs(BenchFrames samples, int count) throws IOException {
    Random random = new Random(720);
    List<byte[]> frames = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      BufferedImage object = ImageIO.read(new ByteArrayInputStream(samples.png(i)));
      frames.add(jpeg(frame(object, random)));
    }
    return frames;
  }

  private static BufferedImage frame(BufferedImage object, Random random) {
    BufferedImage frame = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = frame.createGraphics();
    try {
      g.setPaint(new GradientPaint(0, 0, new Color(random.nextInt(0xFFFFFF)), WIDTH, HEIGHT,
          new Color(random.nextInt(0xFFFFFF))));
      g.fillRect(0, 0, WIDTH, HEIGHT);
      g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      int side = HEIGHT * 3 / 4;
      g.drawImage(object, (WIDTH - side) / 2 + random.nextInt(200) - 100, (HEIGHT - side) / 2, side, side, null);
    } finally {
      g.dispose();
    }
    byte[] pixels = ((java.awt.image.DataBufferByte) frame.getRaster().getDataBuffer()).getData();
    for (int p = 0; p < pixels.length; p++) {
      int value = (pixels[p] & 0xFF) + (int) Math.round(random.nextGaussian() * NOISE);
      pixels[p] = (byte) Math.max(0, Math.min(255, value));
    }
    return frame;
  }

  private static byte[] jpeg(BufferedImage image) throws IOException {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
      writer.setOutput(out);
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(QUALITY);
      writer.write(null, new IIOImage(image, null, null), param);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }
}
