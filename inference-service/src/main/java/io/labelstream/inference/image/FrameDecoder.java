package io.labelstream.inference.image;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Turns an encoded frame (PNG or JPEG, any size, grey or colour) into the model's input: one grey channel of
 * {@code width x height} raw 0-255 values, row-major.
 *
 * <p>Grey images are read from the raster directly (going through {@code getRGB} would apply a colour-space
 * conversion and change the values); colour images are converted with ITU-R BT.601 luma weights. Other sizes are
 * scaled by area averaging, which is what a camera frame shrunk to a thumbnail needs.
 */
public final class FrameDecoder {

  /** Largest image accepted for decoding: a header may claim any size, and decoding it would exhaust memory. */
  static final long MAX_PIXELS = 64L * 1024 * 1024;
  /** Smallest side worth labelling: a 1x1 "frame" is a broken camera or a probe, not a picture. */
  static final int MIN_SIDE = 8;

  private final int width;
  private final int height;

  public FrameDecoder(int width, int height) {
    this.width = width;
    this.height = height;
  }

  /**
   * Reads the dimensions from the header first and refuses decompression bombs and tiny images before any pixel is
   * decoded; then decodes with the same reader. The stream is cached in memory: ImageIO's default for streams is a
   * temporary file per image.
   *
   * @throws IOException when the bytes are not a decodable PNG or JPEG
   */
  public float[] decode(byte[] encoded) throws IOException {
    BufferedImage image;
    try (ImageInputStream input = new MemoryCacheImageInputStream(new ByteArrayInputStream(encoded))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(input);
      if (!readers.hasNext()) {
        throw new IOException("not a PNG or JPEG image that can be decoded");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(input, true, true);
        checkDimensions(reader.getWidth(0), reader.getHeight(0));
        image = reader.read(0);
      } finally {
        reader.dispose();
      }
    } catch (RuntimeException | OutOfMemoryError e) {
      throw new IOException("image decoder failed: " + e, e);
    }
    if (image == null) {
      throw new IOException("not a PNG or JPEG image that can be decoded");
    }
    float[] grey = grey(image);
    if (image.getWidth() == width && image.getHeight() == height) {
      return grey;
    }
    return areaAverage(grey, image.getWidth(), image.getHeight());
  }

  private static void checkDimensions(int w, int h) throws IOException {
    if (w < MIN_SIDE || h < MIN_SIDE) {
      throw new IOException("the image is " + w + "x" + h + " pixels, smaller than " + MIN_SIDE + "x" + MIN_SIDE);
    }
    if ((long) w * h > MAX_PIXELS) {
      throw new IOException("the image claims " + w + "x" + h + " pixels, more than the " + MAX_PIXELS + " this worker decodes");
    }
  }

  private static float[] grey(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    float[] out = new float[w * h];
    Raster raster = image.getRaster();
    if (raster.getNumBands() <= 2 && raster.getSampleModel().getSampleSize(0) == 8) {
      raster.getSamples(0, 0, w, h, 0, out);
      return out;
    }
    int[] rgb = image.getRGB(0, 0, w, h, null, 0, w);
    for (int i = 0; i < rgb.length; i++) {
      int p = rgb[i];
      out[i] = 0.299f * ((p >> 16) & 0xFF) + 0.587f * ((p >> 8) & 0xFF) + 0.114f * (p & 0xFF);
    }
    return out;
  }

  private float[] areaAverage(float[] src, int srcW, int srcH) {
    float[] out = new float[width * height];
    double sx = (double) srcW / width;
    double sy = (double) srcH / height;
    for (int y = 0; y < height; y++) {
      int y0 = (int) Math.floor(y * sy);
      int y1 = Math.max(y0 + 1, (int) Math.floor((y + 1) * sy));
      for (int x = 0; x < width; x++) {
        int x0 = (int) Math.floor(x * sx);
        int x1 = Math.max(x0 + 1, (int) Math.floor((x + 1) * sx));
        double sum = 0;
        int count = 0;
        for (int yy = y0; yy < Math.min(y1, srcH); yy++) {
          int row = yy * srcW;
          for (int xx = x0; xx < Math.min(x1, srcW); xx++) {
            sum += src[row + xx];
            count++;
          }
        }
        out[y * width + x] = count == 0 ? 0f : (float) (sum / count);
      }
    }
    return out;
  }
}
