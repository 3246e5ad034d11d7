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
 * ImageIO (read, then a Graphics2D scale to 224x224), on the same frames, one after the other in the same run.
 */
final class DecodeBench {

  static final int WIDTH = 1280;
  static final int HEIGHT = 720;
  static final int INPUT = 224;
  /** Distinct frames, cycled: enough that no decoder works on one file's data staying hot in cache. */
  private static final int DISTINCT = 8;

  private final List<byte[]> jpegs = new ArrayList<>();

  DecodeBench() {
    for (int seed = 1; seed <= DISTINCT; seed++) {
      jpegs.add(CameraFrames.jpeg(WIDTH, HEIGHT, seed));
    }
  }

  int averageJpegBytes() {
    return (int) jpegs.stream().mapToInt(b -> b.length).average().orElse(0);
  }

  /** Frames per second one thread turns into the model's input tensor with the worker's decoder. */
  double productionFpsPerCore(double seconds) throws IOException {
    Decoder decoder = InferenceToolkit.imageNetDecoder(INPUT, INPUT);
    return framesPerSecond(decoder::decode, seconds);
  }

  /** Frames per second one thread decodes with {@code ImageIO.read} and scales with {@code Graphics2D.drawImage}. */
  double imageIoFpsPerCore(double seconds) throws IOException {
    return framesPerSecond(DecodeBench::imageIo, seconds);
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

  /** Warms up for a third of {@code seconds}, then counts frames decoded in {@code seconds}. */
  private double framesPerSecond(Decode decode, double seconds) throws IOException {
    long warmUntil = System.nanoTime() + (long) (seconds / 3 * 1e9);
    int i = 0;
    while (System.nanoTime() < warmUntil) {
      decode.decode(jpegs.get(i++ % DISTINCT));
    }
    long start = System.nanoTime();
    long end = start + (long) (seconds * 1e9);
    int frames = 0;
    long now;
    do {
      decode.decode(jpegs.get(frames % DISTINCT));
      frames++;
      now = System.nanoTime();
    } while (now < end);
    return frames / ((now - start) / 1e9);
  }
}
