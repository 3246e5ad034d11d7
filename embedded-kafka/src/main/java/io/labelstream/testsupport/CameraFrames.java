package io.labelstream.testsupport;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Camera-like colour frames, generated deterministically from a seed: a sky gradient, ground, buildings with lit
 * windows, a sun, a few cables, and sensor noise over everything. They compress like photographs (a 1280x720 frame
 * is about 170 KB at quality 0.88, where a flat test pattern would be a few KB and decode unrealistically
 * fast), so decode benchmarks and tests see realistic entropy-coded data. No binary fixture to commit.
 */
public final class CameraFrames {

  /** The JPEG quality a camera or a phone typically writes (0.85-0.92). */
  public static final float QUALITY = 0.88f;

  /**
   * Sensor noise left after a camera's own denoising, in 0-255 steps: the same for all three channels (brightness
   * noise), plus a smaller part per channel (colour noise). It decides how many bits a JPEG spends on detail, and
   * so how long entropy decoding takes: at 2 and 1 a 1280x720 frame is about 170 KB at quality 0.88 (1.5 bits per
   * pixel, a detailed scene from a good camera); at 5 and 2 it is about 260 KB (2.2 bits per pixel, a noisy one).
   */
  static final double LUMA_NOISE = 2.0;
  static final double COLOUR_NOISE = 1.0;

  /**
   * A deployed camera's stream, as dense as real camera JPEGs: the camera frames of nuScenes (a public driving data
   * set, 1600x900) average about 0.14 MB, 0.78 bits per pixel. Quality 0.75 (libjpeg's default, what
   * IP cameras and MJPEG streams commonly write) and a little less sensor noise than {@link #LUMA_NOISE} give the
   * scene that density: 90 KB per 1280x720 frame, half what {@link #jpeg(int, int, long)} takes.
   */
  public static final float STREAM_QUALITY = 0.75f;
  static final double STREAM_LUMA_NOISE = 1.5;
  static final double STREAM_COLOUR_NOISE = 0.75;

  private CameraFrames() {}

  /** The scene as a camera stream's baseline JPEG (about 0.78 bits per pixel, see {@link #STREAM_QUALITY}). */
  public static byte[] streamJpeg(int width, int height, long seed) {
    return jpeg(scene(width, height, seed, STREAM_LUMA_NOISE, STREAM_COLOUR_NOISE), STREAM_QUALITY);
  }

  /** The scene as 0xRRGGBB pixels. */
  public static BufferedImage scene(int width, int height, long seed) {
    return scene(width, height, seed, LUMA_NOISE, COLOUR_NOISE);
  }

  /**
   * The scene with the given sensor noise (standard deviations in 0-255 steps, brightness and per channel): the
   * noise decides how many bits per pixel a JPEG of it takes.
   */
  public static BufferedImage scene(int width, int height, long seed, double lumaNoise, double colourNoise) {
    Random random = new Random(seed);
    int[] rgb = new int[width * height];
    int horizon = (int) (height * (0.55 + 0.1 * random.nextDouble()));
    double sunX = width * (0.2 + 0.6 * random.nextDouble());
    double sunY = horizon * (0.2 + 0.4 * random.nextDouble());
    double sunRadius = height * 0.06;
    int[][] buildings = new int[8][];
    for (int b = 0; b < buildings.length; b++) {
      int w = (int) (width * (0.05 + 0.08 * random.nextDouble()));
      int x = random.nextInt(Math.max(1, width - w));
      int top = (int) (horizon - height * (0.1 + 0.35 * random.nextDouble()));
      int shade = 60 + random.nextInt(120);
      buildings[b] = new int[] {x, x + w, top, shade, random.nextInt(3)};
    }
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        double r;
        double g;
        double bl;
        if (y < horizon) { // sky: deep blue at the top to haze at the horizon
          double t = (double) y / horizon;
          r = 60 + 150 * t;
          g = 110 + 110 * t;
          bl = 200 + 40 * t;
          double d = Math.hypot(x - sunX, y - sunY);
          if (d < sunRadius) {
            r = 255;
            g = 245;
            bl = 200;
          } else if (d < 4 * sunRadius) {
            double glow = 1 - (d - sunRadius) / (3 * sunRadius);
            r += (255 - r) * glow * 0.6;
            g += (240 - g) * glow * 0.6;
            bl += (200 - bl) * glow * 0.3;
          }
        } else { // ground: fields in perspective stripes
          double t = (double) (y - horizon) / (height - horizon);
          double stripe = Math.sin((x - width / 2.0) / (8 + 120 * t) + 1 / (t + 0.05)) > 0 ? 1 : 0.8;
          r = (70 + 60 * t) * stripe;
          g = (110 + 50 * t) * stripe;
          bl = (40 + 20 * t) * stripe;
        }
        for (int[] b : buildings) {
          if (x >= b[0] && x < b[1] && y >= b[2] && y < horizon + height / 20) {
            boolean window = ((x - b[0]) % 14 < 7) && ((y - b[2]) % 18 < 9) && x - b[0] > 3 && b[1] - x > 3;
            r = window ? 240 - 40 * b[4] : b[3];
            g = window ? 220 - 30 * b[4] : b[3] * 0.9;
            bl = window ? 150 + 40 * b[4] : b[3] * 0.8;
          }
        }
        if (Math.abs(y - (horizon * 0.3 + 0.15 * x)) < 1.5 || Math.abs(y - (horizon * 0.5 - 0.05 * x)) < 1) {
          r = g = bl = 30; // cables: thin dark diagonals, sharp edges for the DCT
        }
        double noise = random.nextGaussian() * lumaNoise;
        rgb[y * width + x] = (clamp(r + noise + random.nextGaussian() * colourNoise) << 16)
            | (clamp(g + noise + random.nextGaussian() * colourNoise) << 8)
            | clamp(bl + noise + random.nextGaussian() * colourNoise);
      }
    }
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    image.setRGB(0, 0, width, height, rgb, 0, width);
    return image;
  }

  /** The scene as a baseline JPEG at {@link #QUALITY} (4:2:0, as cameras write). */
  public static byte[] jpeg(int width, int height, long seed) {
    return jpeg(scene(width, height, seed), QUALITY);
  }

  public static byte[] jpeg(BufferedImage image, float quality) {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
      writer.setOutput(stream);
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(quality);
      writer.write(null, new IIOImage(image, null, null), param);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      writer.dispose();
    }
    return out.toByteArray();
  }

  /** The scene as a PNG (lossless, the same pixels as {@link #scene}). */
  public static byte[] png(int width, int height, long seed) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(scene(width, height, seed), "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static int clamp(double v) {
    return (int) Math.max(0, Math.min(255, Math.round(v)));
  }
}
