package io.labelstream.inference.image;

import io.labelstream.inference.model.InputSpec;
import io.labelstream.platform.config.InferenceVariables;
import io.labelstream.platform.image.DecodeBudget;
import io.labelstream.platform.image.ImageFormat;
import io.labelstream.platform.image.ImageHeader;
import io.labelstream.platform.image.ImageStructure;
import io.labelstream.platform.image.RefusedImageException;
import io.labelstream.platform.image.RefusedImageException.Reason;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadProgressListener;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Turns an encoded frame (PNG or JPEG, any size, grey or colour) into the model's input: one grey channel of
 * {@code width x height} raw 0-255 values, row-major.
 *
 * <h2>Hostile frames</h2>
 * Before a decoder is created the header is checked against the {@link DecodeBudget} (the same one ingest applies)
 * and the file's structure is checked for completeness ({@link ImageStructure}): a decompression bomb, a truncated
 * file or one with data after its end is refused without decoding a pixel. Big frames are read subsampled, so no
 * more than a few hundred pixels a side are ever materialised, whatever the frame's size; 16-bit samples are reduced
 * to 8 bits on the small subsampled image. Any warning from the decoder (the JPEG decoder reports data that ends
 * early only as a warning, and goes on filling the picture with grey) aborts the read and refuses the frame, and so
 * does running past the per-frame time limit: the reader checks for an abort at every row it delivers.
 *
 * <p>Grey images are read from the raster directly (going through {@code getRGB} would apply a colour-space
 * conversion and change the values); colour images are converted with ITU-R BT.601 luma weights. Other sizes are
 * scaled by area averaging, which is what a camera frame shrunk to a thumbnail needs.
 */
public final class FrameDecoder {

  /**
   * Frames are read with at least this many source pixels per model pixel and side: enough for the area average to
   * see the picture (a 28x28 model reads a 8000x8000 frame at 228x228), few enough to cost almost nothing.
   */
  static final int SOURCE_PIXELS_PER_MODEL_PIXEL = 8;

  private final int width;
  private final int height;
  private final DecodeBudget budget;
  private final long timeoutNanos;

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
    if (input.channels() != 1 || input.dtype() != InputSpec.DType.FLOAT32) {
      throw new IllegalArgumentException("this decoder feeds raw grey float32 values only, not " + input);
    }
    this.width = input.width();
    this.height = input.height();
    this.budget = budget;
    this.timeoutNanos = timeout.toNanos();
  }

  /**
   * Checks the header and the structure, then decodes, subsampled when the frame is much bigger than the model's
   * input. The stream is cached in memory: ImageIO's default for streams is a temporary file per image. Safe to
   * call from several threads.
   *
   * @throws RefusedImageException when the frame is over budget, incomplete, corrupt or too slow to decode
   * @throws IOException when the bytes are not a decodable PNG or JPEG
   */
  public float[] decode(byte[] encoded) throws IOException {
    ImageHeader header = ImageHeader.read(encoded);
    budget.check(header);
    ImageStructure.verify(encoded, header.format());
    BufferedImage image = read(encoded, header);
    float[] grey = grey(image);
    if (image.getWidth() == width && image.getHeight() == height) {
      return grey;
    }
    return areaAverage(grey, image.getWidth(), image.getHeight());
  }

  private BufferedImage read(byte[] encoded, ImageHeader header) throws IOException {
    String formatName = header.format() == ImageFormat.PNG ? "png" : "jpeg";
    Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(formatName);
    if (!readers.hasNext()) {
      throw new IOException("no " + formatName + " decoder in this JVM");
    }
    ImageReader reader = readers.next();
    try (ImageInputStream input = new MemoryCacheImageInputStream(new ByteArrayInputStream(encoded))) {
      reader.setInput(input, true, true);
      ImageReadParam param = reader.getDefaultReadParam();
      int period = subsamplingPeriod(header.width(), header.height());
      if (period > 1) {
        param.setSourceSubsampling(period, period, 0, 0);
      }
      ReadWatch watch = new ReadWatch(reader, System.nanoTime() + timeoutNanos);
      reader.addIIOReadWarningListener(watch);
      reader.addIIOReadProgressListener(watch);
      BufferedImage image = reader.read(0, param);
      watch.throwIfStopped(header);
      if (image == null) {
        throw new RefusedImageException(Reason.CORRUPT, "the decoder returned no image");
      }
      return image;
    } catch (RuntimeException | OutOfMemoryError e) {
      throw new IOException("image decoder failed: " + e, e);
    } finally {
      reader.dispose();
    }
  }

  /** Every how many rows and columns a pixel is read: 1 up to 8 times the model's size, more above. */
  int subsamplingPeriod(int imageWidth, int imageHeight) {
    int byWidth = imageWidth / (width * SOURCE_PIXELS_PER_MODEL_PIXEL);
    int byHeight = imageHeight / (height * SOURCE_PIXELS_PER_MODEL_PIXEL);
    return Math.max(1, Math.min(byWidth, byHeight));
  }

  /**
   * Stops a read on the decoder's first warning or once the deadline has passed. Both callbacks come on the
   * reading thread (the JPEG reader refuses an abort from any other), at least once every few rows delivered.
   */
  private static final class ReadWatch implements IIOReadWarningListener, IIOReadProgressListener {

    private final ImageReader reader;
    private final long deadline;
    private String warning;
    private boolean timedOut;

    ReadWatch(ImageReader reader, long deadline) {
      this.reader = reader;
      this.deadline = deadline;
    }

    @Override
    public void warningOccurred(ImageReader source, String message) {
      if (warning == null) {
        warning = message;
      }
      reader.abort();
    }

    @Override
    public void imageProgress(ImageReader source, float percentageDone) {
      if (System.nanoTime() - deadline > 0) {
        timedOut = true;
        reader.abort();
      }
    }

    void throwIfStopped(ImageHeader header) throws RefusedImageException {
      if (warning != null) {
        throw new RefusedImageException(Reason.CORRUPT, "the decoder could not decode the whole image: " + warning);
      }
      if (timedOut || System.nanoTime() - deadline > 0) {
        throw new RefusedImageException(Reason.DECODE_TIMEOUT, "decoding the " + header.width() + "x"
            + header.height() + " image took longer than the limit (INFERENCE_DECODE_TIMEOUT_MS)");
      }
    }

    @Override
    public void sequenceStarted(ImageReader source, int minIndex) {}

    @Override
    public void sequenceComplete(ImageReader source) {}

    @Override
    public void imageStarted(ImageReader source, int imageIndex) {}

    @Override
    public void imageComplete(ImageReader source) {}

    @Override
    public void thumbnailStarted(ImageReader source, int imageIndex, int thumbnailIndex) {}

    @Override
    public void thumbnailProgress(ImageReader source, float percentageDone) {}

    @Override
    public void thumbnailComplete(ImageReader source) {}

    @Override
    public void readAborted(ImageReader source) {}
  }

  /** Grey values 0-255: raw samples of grey images (8 or 16 bits), BT.601 luma of colour ones. */
  private static float[] grey(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    float[] out = new float[w * h];
    Raster raster = image.getRaster();
    int bits = raster.getSampleModel().getSampleSize(0);
    boolean greyscale = raster.getNumBands() <= 2;
    if (greyscale && bits == 8) {
      raster.getSamples(0, 0, w, h, 0, out);
      return out;
    }
    if (greyscale && bits == 16) {
      raster.getSamples(0, 0, w, h, 0, out);
      for (int i = 0; i < out.length; i++) {
        out[i] = out[i] / 257f; // 65535 -> 255
      }
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
