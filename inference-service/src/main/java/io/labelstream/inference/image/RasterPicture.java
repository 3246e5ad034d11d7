package io.labelstream.inference.image;

import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;

/**
 * An ImageIO-decoded image read straight from its raster, a row at a time. Grey images give their raw samples
 * ({@code getRGB} would apply a colour-space conversion and change them); 16-bit samples are divided by 257 (65535
 * becomes 255), fraction kept; palette images are looked up in their palette; colour images give their first three
 * bands as R, G, B; alpha is ignored. Nothing here makes a full-size copy of the image.
 */
final class RasterPicture implements Picture {

  private enum Kind { GREY, COLOUR, PALETTE, OTHER }

  private final BufferedImage image;
  private final Raster raster;
  private final Kind kind;
  private final float divisor;
  private final int[] samples;
  /** The raster's bytes when it stores 8-bit samples interleaved in one array (ImageIO's usual PNG and JPEG
   *  images): read directly, without ImageIO's per-sample getters. Null otherwise. */
  private final byte[] bytes;
  private int base;
  private int scanlineStride;
  private int pixelStride;
  private int[] bandOffsets;

  RasterPicture(BufferedImage image) {
    this.image = image;
    this.raster = image.getRaster();
    ColorModel model = image.getColorModel();
    int bands = raster.getNumBands();
    int bits = raster.getSampleModel().getSampleSize(0);
    int type = raster.getDataBuffer().getDataType();
    boolean plain = model instanceof ComponentColorModel && (bits == 8 || bits == 16)
        && (type == DataBuffer.TYPE_BYTE || type == DataBuffer.TYPE_USHORT);
    if (model instanceof IndexColorModel) {
      kind = Kind.PALETTE;
    } else if (plain && bands <= 2) {
      kind = Kind.GREY;
    } else if (plain && model.getColorSpace().isCS_sRGB() && bands >= 3) {
      kind = Kind.COLOUR;
    } else {
      kind = Kind.OTHER;
    }
    this.divisor = bits == 16 ? 257f : 1f;
    this.samples = new int[image.getWidth() * Math.max(3, bands)];
    this.bytes = (kind == Kind.GREY || kind == Kind.COLOUR) && bits == 8 ? interleavedBytes() : null;
  }

  private byte[] interleavedBytes() {
    if (!(raster.getSampleModel() instanceof java.awt.image.ComponentSampleModel model)
        || !(raster.getDataBuffer() instanceof java.awt.image.DataBufferByte buffer) || buffer.getNumBanks() != 1) {
      return null;
    }
    for (int bank : model.getBankIndices()) {
      if (bank != 0) {
        return null;
      }
    }
    scanlineStride = model.getScanlineStride();
    pixelStride = model.getPixelStride();
    bandOffsets = model.getBandOffsets();
    base = buffer.getOffset() - raster.getSampleModelTranslateY() * scanlineStride
        - raster.getSampleModelTranslateX() * pixelStride;
    return buffer.getData();
  }

  @Override
  public int width() {
    return image.getWidth();
  }

  @Override
  public int height() {
    return image.getHeight();
  }

  @Override
  public int channels() {
    return kind == Kind.GREY ? 1 : 3;
  }

  @Override
  public void row(int y, float[] out) {
    int w = image.getWidth();
    if (bytes != null) {
      int at = base + y * scanlineStride;
      if (kind == Kind.GREY) {
        int g = bandOffsets[0];
        for (int x = 0; x < w; x++, at += pixelStride) {
          out[x] = bytes[at + g] & 0xFF;
        }
      } else {
        int r = bandOffsets[0];
        int g = bandOffsets[1];
        int b = bandOffsets[2];
        for (int x = 0; x < w; x++, at += pixelStride) {
          out[3 * x] = bytes[at + r] & 0xFF;
          out[3 * x + 1] = bytes[at + g] & 0xFF;
          out[3 * x + 2] = bytes[at + b] & 0xFF;
        }
      }
      return;
    }
    switch (kind) {
      case GREY -> {
        raster.getSamples(0, y, w, 1, 0, samples);
        for (int x = 0; x < w; x++) {
          out[x] = samples[x] / divisor;
        }
      }
      case COLOUR -> {
        int bands = raster.getNumBands();
        raster.getPixels(0, y, w, 1, samples);
        for (int x = 0; x < w; x++) {
          out[3 * x] = samples[bands * x] / divisor;
          out[3 * x + 1] = samples[bands * x + 1] / divisor;
          out[3 * x + 2] = samples[bands * x + 2] / divisor;
        }
      }
      case PALETTE -> {
        IndexColorModel palette = (IndexColorModel) image.getColorModel();
        raster.getSamples(0, y, w, 1, 0, samples);
        for (int x = 0; x < w; x++) {
          int i = samples[x];
          out[3 * x] = palette.getRed(i);
          out[3 * x + 1] = palette.getGreen(i);
          out[3 * x + 2] = palette.getBlue(i);
        }
      }
      case OTHER -> {
        image.getRGB(0, y, w, 1, samples, 0, w);
        for (int x = 0; x < w; x++) {
          int p = samples[x];
          out[3 * x] = (p >> 16) & 0xFF;
          out[3 * x + 1] = (p >> 8) & 0xFF;
          out[3 * x + 2] = p & 0xFF;
        }
      }
    }
  }
}
