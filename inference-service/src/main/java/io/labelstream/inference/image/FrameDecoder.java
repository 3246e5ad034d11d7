package io.labelstream.inference.image;

import io.labelstream.inference.model.InputSpec;
import io.labelstream.platform.config.InferenceVariables;
import io.labelstream.platform.image.DecodeBudget;
import io.labelstream.platform.image.ImageFormat;
import io.labelstream.platform.image.ImageHeader;
import io.labelstream.platform.image.ImageStructure;
import io.labelstream.platform.image.RefusedImageException;
import io.labelstream.platform.image.RefusedImageException.Reason;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * Turns an encoded frame (PNG or JPEG, any size, grey or colour) into one image's input tensor exactly as the model
 * card's {@link InputSpec} asks: {@link InputSpec#valuesPerImage()} values in its layout (NCHW: channel, row,
 * column; NHWC: row, column, channel) and channel order, normalised for float32 or whole 0-255 pixel values for
 * uint8.
 *
 * <h2>The steps, each defined so an independent implementation reproduces them</h2>
 * <ol>
 *   <li><b>Decode</b> to 0-255 samples: grey images give their raw samples (16-bit ones divided by 257, fraction
 *       kept), palette images their palette colours, colour images R, G, B; alpha is ignored. Frames much bigger
 *       than the input are decoded at a reduced scale first (JPEG: libjpeg-turbo's DCT scaling by M/8; PNG: every
 *       p-th pixel, see {@link ImageIoReader}); everything after works on that decoded picture.
 *   <li><b>Channels</b>: a colour picture for a 1-channel model becomes BT.601 luma {@code 0.299 R + 0.587 G +
 *       0.114 B} (for a colour JPEG decoded by libjpeg-turbo, the JPEG's own luma plane, which is that luma); a grey
 *       picture for a 3-channel model gives the same value to all three.
 *   <li><b>Fit</b>: stretch, letterbox or centre crop ({@link Fit}).
 *   <li><b>Resize</b>: area averaging with exact fractional weights when shrinking, bilinear interpolation with
 *       half-pixel centres when enlarging, separable, per axis ({@link Resampler}). Letterbox padding is
 *       {@code padValue}.
 *   <li><b>Values</b>: float32 feeds {@code (p * scale - mean[c]) / std[c]} (padding included); uint8 feeds
 *       {@code floor(p + 0.5)} clamped to 0-255. Channel c of a BGR model is the picture's blue for c = 0.
 * </ol>
 * {@code preprocessing/make_fixtures.py} in the tests is that definition in NumPy; the tests hold this class to
 * its tensors within 1e-4.
 *
 * <h2>Hostile frames</h2>
 * Before a decoder is created the header is checked against the {@link DecodeBudget} (the same one ingest applies)
 * and the file's structure is checked for completeness ({@link ImageStructure}): a decompression bomb, a truncated
 * file or one with data after its end is refused without decoding a pixel. Any warning from a decoder refuses the
 * frame, and so does running past the per-frame time limit. No frame is ever held at full size when the input is
 * much smaller: JPEG is decoded scaled, PNG subsampled.
 */
public final class FrameDecoder {

  private final InputSpec input;
  private final DecodeBudget budget;
  private final long timeoutNanos;
  private final Optional<TurboJpeg> turbo;
  private final Fit.Need need;

  /** A decoder with the default budget and time limit, as a worker with default settings decodes. */
  public FrameDecoder(InputSpec input) {
    this(input, DecodeBudget.defaults(),
        Duration.ofMillis(InferenceVariables.INFERENCE_DECODE_TIMEOUT_MS.defaultValue().orElseThrow()));
  }

  /**
   * @param budget the limits checked on each frame's header before decoding
   * @param timeout how long one frame's decoding may take before it is abandoned
   */
  public FrameDecoder(InputSpec input, DecodeBudget budget, Duration timeout) {
    this(input, budget, timeout, TurboJpeg.available());
  }

  /** With libjpeg-turbo or, given {@code Optional.empty()}, ImageIO for JPEGs; package-private for tests. */
  FrameDecoder(InputSpec input, DecodeBudget budget, Duration timeout, Optional<TurboJpeg> turbo) {
    if (input.channels() != 1 && input.channels() != 3) {
      throw new IllegalArgumentException("a model input has 1 or 3 channels, not " + input.channels());
    }
    if (input.dtype() == InputSpec.DType.FLOAT32 && (input.mean().length != input.channels()
        || input.std().length != input.channels())) {
      throw new IllegalArgumentException("mean and std need one value per channel: " + input);
    }
    this.input = input;
    this.budget = budget;
    this.timeoutNanos = timeout.toNanos();
    this.turbo = turbo;
    this.need = new Fit.Need(input.resize(), input.width(), input.height());
  }

  /** Which decoder reads JPEG frames in this process: "libjpeg-turbo" or "ImageIO". */
  public static String jpegDecoder() {
    return TurboJpeg.available().isPresent() ? "libjpeg-turbo" : "ImageIO";
  }

  /**
   * Checks the header and the structure, decodes, fits and normalises. Safe to call from several threads.
   *
   * @return one image's input tensor, {@link InputSpec#valuesPerImage()} values
   * @throws RefusedImageException when the frame is over budget, incomplete, corrupt or too slow to decode
   * @throws IOException when the bytes are not a decodable PNG or JPEG
   */
  public float[] decode(byte[] encoded) throws IOException {
    return decodeFitted(encoded).tensor();
  }

  /**
   * A frame's input tensor and where the frame went in it.
   *
   * @param tensor one image's input tensor, {@link InputSpec#valuesPerImage()} values
   * @param placement how to put what the model finds in the input back on the frame
   */
  public record Fitted(float[] tensor, FramePlacement placement) {}

  /** As {@link #decode}, keeping where the frame went in the input (what a detector's boxes are mapped back with). */
  public Fitted decodeFitted(byte[] encoded) throws IOException {
    Resampled resampled = resample(encoded);
    return new Fitted(values(resampled.pixels()), resampled.placement());
  }

  /**
   * A frame's input tensor with the statistics of what the model sees.
   *
   * @param statistics of the resampled picture at the model's input size and channels (a grey model sees luma, so
   *     its colourfulness is 0), letterbox padding left out, a big input point-sampled
   */
  public record Measured(Fitted fitted, InputStatistics statistics) {}

  /**
   * As {@link #decodeFitted}, measuring the pixels the model is fed ({@link InputStatistics}): on the resampled
   * picture, point-sampled when it is big ({@link ContentStatistics}), so the cost is small and bounded whatever the
   * frame's size, and it falls on the calling (decode) thread.
   */
  public Measured decodeMeasured(byte[] encoded) throws IOException {
    Resampled resampled = resample(encoded);
    return new Measured(new Fitted(values(resampled.pixels()), resampled.placement()),
        ContentStatistics.of(resampled.pixels(), input.channels(), input.width(), resampled.fit())
            .withJpegQuality(InputStatistics.jpegQualityOf(encoded, resampled.format())));
  }

  /** The picture resampled to the input (0-255, R, G, B interleaved), with the fit that put it there. */
  private record Resampled(float[] pixels, Fit fit, FramePlacement placement, ImageFormat format) {}

  private Resampled resample(byte[] encoded) throws IOException {
    long deadline = System.nanoTime() + timeoutNanos;
    ImageHeader header = ImageHeader.read(encoded);
    budget.check(header);
    ImageStructure.verify(encoded, header.format());
    Picture picture;
    if (header.format() == ImageFormat.JPEG && turbo.isPresent()) {
      picture = turbo.get().decode(encoded, header.width(), header.height(), input.channels(), need);
      if (System.nanoTime() - deadline > 0) {
        throw timedOut(header);
      }
    } else {
      picture = ImageIoReader.read(encoded, header, input.width(), input.height(), deadline);
    }
    Fit fit = Fit.of(input.resize(), picture.width(), picture.height(), input.width(), input.height());
    return new Resampled(resampled(picture, fit), fit,
        FramePlacement.of(fit, header.width(), header.height(), picture.width(), picture.height()), header.format());
  }

  /** The picture fitted, resized and normalised into the card's layout; package-private for tests. */
  float[] tensor(Picture picture) {
    return values(resampled(picture,
        Fit.of(input.resize(), picture.width(), picture.height(), input.width(), input.height())));
  }

  private float[] resampled(Picture picture, Fit fit) {
    return Resampler.resample(picture, input.channels(), fit, input.width(), input.height(), input.padValue());
  }

  /** The resampled pixels normalised into the card's layout, channel order and element type. */
  private float[] values(float[] pixels) {
    int w = input.width();
    int h = input.height();
    int c = input.channels();
    float[] out = new float[w * h * c];
    boolean bgr = c == 3 && input.colorOrder() == InputSpec.ColorOrder.BGR;
    boolean nchw = input.layout() == InputSpec.Layout.NCHW;
    boolean uint8 = input.dtype() == InputSpec.DType.UINT8;
    float[] mean = input.mean();
    float[] std = input.std();
    double scale = input.scale();
    int plane = w * h;
    for (int channel = 0; channel < c; channel++) {
      int from = bgr ? 2 - channel : channel;
      int step = nchw ? 1 : c;
      int to = nchw ? channel * plane : channel;
      if (uint8) {
        for (int i = 0; i < plane; i++, to += step) {
          out[to] = Math.min(255f, Math.max(0f, (float) Math.floor(pixels[i * c + from] + 0.5)));
        }
      } else {
        // (p * scale - mean) / std as one multiply-add per value
        float gain = (float) (scale / std[channel]);
        float offset = (float) (-mean[channel] / (double) std[channel]);
        for (int i = 0; i < plane; i++, to += step) {
          out[to] = pixels[i * c + from] * gain + offset;
        }
      }
    }
    return out;
  }

  /** For the existing callers of the subsampling rule; see {@link ImageIoReader#subsamplingPeriod}. */
  int subsamplingPeriod(int imageWidth, int imageHeight) {
    return ImageIoReader.subsamplingPeriod(imageWidth, imageHeight, input.width(), input.height());
  }

  static RefusedImageException timedOut(ImageHeader header) {
    return new RefusedImageException(Reason.DECODE_TIMEOUT, "decoding the " + header.width() + "x"
        + header.height() + " image took longer than the limit (INFERENCE_DECODE_TIMEOUT_MS)");
  }
}
