package io.labelstream.tools.bench;

import io.labelstream.inference.InferenceToolkit;
import io.labelstream.inference.InferenceToolkit.Decoder;
import io.labelstream.testsupport.CameraFrames;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * The worker's CPU cost per camera frame: 1280x720 colour JPEGs decoded to a 224x224 RGB model input on one thread,
 * by the production decoder (to the float32 ImageNet-normalised tensor a torchvision classifier takes) and by plain
 * ImageIO (read, then a Graphics2D scale to 224x224), on the same frames. The two are timed in alternating half
 * seconds, so that on a shared machine both see the same load and their ratio stays meaningful.
 *
 * <p>Two sets of frames: {@linkplain CameraFrames#streamJpeg camera-stream density} (about 0.78 bits per pixel,
 * as real camera JPEGs), which the main figures use, and the denser frames of {@link CameraFrames#jpeg} (1.5 bits per
 * pixel), measured too so that the figures cannot flatter the decoder through light input: entropy decoding, the
 * part no decoder can skip, grows with the bits.
 */
final class DecodeBench {

  static final int WIDTH = 1280;
  static final int HEIGHT = 720;
  static final int INPUT = 224;
  /** Distinct frames, cycled: enough that no decoder works on one file's data staying hot in cache. */
  private static final int DISTINCT = 8;
  private static final double SLICE_SECONDS = 0.5;

  /** Frames per second of the production decoder and of ImageIO on one set of frames. */
  record Rates(double production, double imageIo) {}

  private final List<byte[]> jpegs = new ArrayList<>();

  private DecodeBench(List<byte[]> jpegs) {
    this.jpegs.addAll(jpegs);
  }

  /** Frames as dense as a real camera's stream: these, and the 720p worker figures, use them. */
  static DecodeBench cameraStream() {
    List<byte[]> frames = new ArrayList<>();
    for (int seed = 1; seed <= DISTINCT; seed++) {
      frames.add(CameraFrames.streamJpeg(WIDTH, HEIGHT, seed));
    }
    return new DecodeBench(frames);
  }

  /** The frames, encoded. */
  List<byte[]> jpegs() {
    return List.copyOf(jpegs);
  }

  /** The denser frames (a detailed scene at quality 0.88). */
  static DecodeBench dense() {
    List<byte[]> frames = new ArrayList<>();
    for (int seed = 1; seed <= DISTINCT; seed++) {
      frames.add(CameraFrames.jpeg(WIDTH, HEIGHT, seed));
    }
    return new DecodeBench(frames);
  }

  int averageJpegBytes() {
    return (int) jpegs.stream().mapToInt(b -> b.length).average().orElse(0);
  }

  double bitsPerPixel() {
    return averageJpegBytes() * 8.0 / (WIDTH * HEIGHT);
  }

  /**
   * Frames per second one thread turns into the model's input tensor with the worker's decoder, and decodes with
   * {@code ImageIO.read} and scales with {@code Graphics2D.drawImage}, each timed for {@code seconds} in all.
   */
  Rates rates(double seconds) throws IOException {
    Decoder decoder = InferenceToolkit.imageNetDecoder(INPUT, INPUT);
    Timed production = new Timed(decoder::decode);
    Timed imageIo = new Timed(DecodeBench::imageIo);
    production.warmUp(seconds / 3);
    imageIo.warmUp(seconds / 3);
    while (production.seconds() < seconds || imageIo.seconds() < seconds) {
      production.run(SLICE_SECONDS);
      imageIo.run(SLICE_SECONDS);
    }
    return new Rates(production.rate(), imageIo.rate());
  }

  private static Object imageIo(byte[] jpeg) throws IOException {
    BufferedImage frame = ImageIO.read(new ByteArrayInputStream(jpeg));
    BufferedImage input = new BufferedImage(INPUT, INPUT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = input.createGraphics();
    try {
      g.drawImage(frame, 0, 0, INPUT, INPUT, null);
    } finally {
      g.dispose();
    }
    return input;
  }

  private interface Decode {
    Object decode(byte[] jpeg) throws IOException;
  }

  /** One decoder's frames and time, added up over its slices. */
  private final class Timed {
    private final Decode decode;
    private long frames;
    private long nanos;
    private int next;

    Timed(Decode decode) {
      this.decode = decode;
    }

    void warmUp(double seconds) throws IOException {
      long until = System.nanoTime() + (long) (seconds * 1e9);
      while (System.nanoTime() < until) {
        decode.decode(jpegs.get(next++ % DISTINCT));
      }
    }

    void run(double seconds) throws IOException {
      long start = System.nanoTime();
      long end = start + (long) (seconds * 1e9);
      long now;
      do {
        decode.decode(jpegs.get(next++ % DISTINCT));
        frames++;
        now = System.nanoTime();
      } while (now < end);
      nanos += now - start;
    }

    double seconds() {
      return nanos / 1e9;
    }

    double rate() {
      return frames / seconds();
    }
  }
}
