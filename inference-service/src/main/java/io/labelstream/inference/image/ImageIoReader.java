package io.labelstream.inference.image;

import io.labelstream.platform.image.ImageFormat;
import io.labelstream.platform.image.ImageHeader;
import io.labelstream.platform.image.RefusedImageException;
import io.labelstream.platform.image.RefusedImageException.Reason;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadProgressListener;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * PNG (and, without libjpeg-turbo, JPEG) decoding with the JDK's ImageIO readers. Big frames are read subsampled:
 * every p-th pixel of every p-th row, p chosen so at least {@link #SOURCE_PIXELS_PER_MODEL_PIXEL} pixels per input
 * pixel are kept on each side. The reader still inflates or entropy-decodes every row, but stores only the kept
 * pixels, so memory stays at a few hundred pixels a side times the model's size, whatever the frame's size. Any
 * warning from the decoder (the JPEG decoder reports data that ends early only as a warning, and goes on filling
 * the picture with grey) aborts the read and refuses the frame, and so does running past the time limit: the reader
 * checks for an abort at every row it delivers.
 */
final class ImageIoReader {

  /**
   * Frames are read with at least this many source pixels per model pixel and side: enough for the area average to
   * see the picture (a 28x28 model reads a 8000x8000 frame at 228x228), few enough to cost little.
   */
  static final int SOURCE_PIXELS_PER_MODEL_PIXEL = 8;

  private ImageIoReader() {}

  /**
   * Reads the frame whose header was checked, subsampled when much bigger than the input. The stream is cached in
   * memory: ImageIO's default for streams is a temporary file per image.
   */
  static Picture read(byte[] encoded, ImageHeader header, int inputWidth, int inputHeight, long deadline)
      throws IOException {
    String formatName = header.format() == ImageFormat.PNG ? "png" : "jpeg";
    Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(formatName);
    if (!readers.hasNext()) {
      throw new IOException("no " + formatName + " decoder in this JVM");
    }
    ImageReader reader = readers.next();
    try (ImageInputStream input = new MemoryCacheImageInputStream(new ByteArrayInputStream(encoded))) {
      reader.setInput(input, true, true);
      ImageReadParam param = reader.getDefaultReadParam();
      int period = subsamplingPeriod(header.width(), header.height(), inputWidth, inputHeight);
      if (period > 1) {
        param.setSourceSubsampling(period, period, 0, 0);
      }
      ReadWatch watch = new ReadWatch(reader, deadline);
      reader.addIIOReadWarningListener(watch);
      reader.addIIOReadProgressListener(watch);
      BufferedImage image = reader.read(0, param);
      watch.throwIfStopped(header);
      if (image == null) {
        throw new RefusedImageException(Reason.CORRUPT, "the decoder returned no image");
      }
      return new RasterPicture(image);
    } catch (RuntimeException | OutOfMemoryError e) {
      throw new IOException("image decoder failed: " + e, e);
    } finally {
      reader.dispose();
    }
  }

  /** Every how many rows and columns a pixel is read: 1 up to 8 times the model's size, more above. */
  static int subsamplingPeriod(int imageWidth, int imageHeight, int inputWidth, int inputHeight) {
    int byWidth = imageWidth / (inputWidth * SOURCE_PIXELS_PER_MODEL_PIXEL);
    int byHeight = imageHeight / (inputHeight * SOURCE_PIXELS_PER_MODEL_PIXEL);
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
        throw FrameDecoder.timedOut(header);
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
}
