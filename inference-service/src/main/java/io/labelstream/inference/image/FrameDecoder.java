package io.labelstream.inference.image;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

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

  /** Reads the dimensions from the header, without decoding pixels, and refuses decompression bombs. */
  private static void checkDimensions(byte[] encoded) throws IOException {
    try (ImageInputStream input = ImageIO.createImageInputStream(new ByteArrayInputStream(encoded))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(input);
      if (!readers.hasNext()) {
        throw new IOException("not a PNG or JPEG image that can be decoded");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(input, true, true);
        long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
        if (reader.getWidth(0) < MIN_SIDE || reader.getHeight(0) < MIN_SIDE) {
          throw new IOException("the image is " + reader.getWidth(0) + "x" + reader.getHeight(0)
              + " pixels, smaller than " + MIN_SIDE + "x" + MIN_SIDE);
        }
        if (pixels > MAX_PIXELS) {
          throw new IOException("the image claims " + reader.getWidth(0) + "x" + reader.getHeight(0)
              + " pixels, more than the " + MAX_PIXELS + " this worker decodes");
        }
      } finally {
        reader.dispose();
      }
    } catch (RuntimeException e) {
      throw new IOException("unreadable image header: " + e, e);
    }
  }

  /**
   * @throws IOException when the bytes are not a decodable PNG or JPEG
   */
  public float[] decode(byte[] encoded) throws IOException {
    checkDimensions(encoded);
    BufferedImage image;
    try {
      image = ImageIO.read(new ByteArrayInputStream(encoded));
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
