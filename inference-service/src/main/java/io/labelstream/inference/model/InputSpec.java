package io.labelstream.inference.model;

import java.util.Arrays;

/**
 * How to feed the model one image: the {@code input} section of a model card (version 2 field names; a version 1
 * card maps onto {@link #rawGrey}). The frame decoder turns any PNG or JPEG into exactly this tensor; the model
 * packs such tensors into a batch.
 *
 * <p>For {@code float32} the value fed for channel c is {@code (p * scale - mean[c]) / std[c]} for the 0-255 pixel
 * p; for {@code uint8} it is the pixel itself.
 *
 * @param name the graph input's name
 * @param layout the order of one image's values: channels first (NCHW) or last (NHWC)
 * @param channels 1 (grey, BT.601 luma of a colour frame) or 3
 * @param colorOrder for 3 channels, which comes first
 * @param width model input width in pixels
 * @param height model input height in pixels
 * @param resize how a frame of another shape is fitted
 * @param padValue 0-255 pixel value of letterbox padding (before scaling and normalisation)
 * @param dtype the input tensor's element type
 * @param scale multiplies the 0-255 pixel first (float32 only)
 * @param mean subtracted per channel after scaling (float32 only)
 * @param std divides per channel after that (float32 only)
 */
public record InputSpec(String name, Layout layout, int channels, ColorOrder colorOrder, int width, int height,
    Resize resize, int padValue, DType dtype, float scale, float[] mean, float[] std) {

  public enum Layout { NCHW, NHWC }

  public enum ColorOrder { RGB, BGR }

  /** How a frame whose shape differs from the model's is fitted. */
  public enum Resize {
    /** Both sides scaled to the model's size, aspect ratio not kept. */
    STRETCH,
    /** Scaled to fit inside, aspect kept, the rest padded with {@code padValue}, the picture centred. */
    LETTERBOX,
    /** Shorter side scaled to the model's size, then the centre cut out. */
    CENTER_CROP
  }

  public enum DType { FLOAT32, UINT8 }

  public static final int DEFAULT_PAD_VALUE = 114;

  public InputSpec {
    mean = mean.clone();
    std = std.clone();
  }

  /** The version 1 contract: {@code [N,1,H,W]} float32 raw 0-255 grey values, frames stretched to size. */
  public static InputSpec rawGrey(String name, int width, int height) {
    return new InputSpec(name, Layout.NCHW, 1, ColorOrder.RGB, width, height, Resize.STRETCH, DEFAULT_PAD_VALUE,
        DType.FLOAT32, 1f, new float[] {0f}, new float[] {1f});
  }

  /** Values in one image's tensor: channels x height x width. */
  public int valuesPerImage() {
    return channels * width * height;
  }

  @Override
  public float[] mean() {
    return mean.clone();
  }

  @Override
  public float[] std() {
    return std.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof InputSpec other && name.equals(other.name) && layout == other.layout
        && channels == other.channels && colorOrder == other.colorOrder && width == other.width
        && height == other.height && resize == other.resize && padValue == other.padValue && dtype == other.dtype
        && Float.compare(scale, other.scale) == 0 && Arrays.equals(mean, other.mean) && Arrays.equals(std, other.std);
  }

  @Override
  public int hashCode() {
    return 31 * name.hashCode() + Arrays.hashCode(mean) + 17 * Arrays.hashCode(std) + width * 7 + height;
  }

  @Override
  public String toString() {
    return name + " " + layout + " " + channels + "ch " + (channels == 3 ? colorOrder + " " : "") + width + "x" + height
        + " " + resize + " " + dtype + (dtype == DType.FLOAT32 ? " scale " + scale + " mean " + Arrays.toString(mean)
        + " std " + Arrays.toString(std) : "");
  }
}
