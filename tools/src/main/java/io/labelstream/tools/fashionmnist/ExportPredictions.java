package io.labelstream.tools.fashionmnist;

import io.labelstream.inference.InferenceToolkit;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Runs the bundled model, through the production inference code, on the Fashion-MNIST validation split (the last
 * 5,000 training images) and test set, and writes one CSV row per image: the true class, the predicted class and
 * the uncertainty scores. The threshold controller starts from the validation file; {@code ./labelstream evaluate}
 * replays the test file.
 *
 * <p>A step of the model's release, run once after training (see model/README.md):
 * {@code java -cp 'tools/target/labelstream-tools.jar:tools/target/lib/*' io.labelstream.tools.fashionmnist.ExportPredictions
 * /usr/share/datasets/fashion-mnist model}
 */
public final class ExportPredictions {

  private ExportPredictions() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: ExportPredictions <fashion-mnist idx dir> <output dir>");
      System.exit(2);
    }
    Path data = Path.of(args[0]);
    Path out = Path.of(args[1]);
    try (InferenceToolkit model = InferenceToolkit.bundledModel(0)) {
      String prefix = model.modelName();
      float[][] train = images(data.resolve("train-images-idx3-ubyte.gz"));
      int[] trainLabels = labels(data.resolve("train-labels-idx1-ubyte.gz"));
      int validationStart = train.length - 5_000;
      export(model, slice(train, validationStart, train.length), slice(trainLabels, validationStart),
          out.resolve(prefix + ".validation.csv"));
      export(model, images(data.resolve("t10k-images-idx3-ubyte.gz")), labels(data.resolve("t10k-labels-idx1-ubyte.gz")),
          out.resolve(prefix + ".test.csv"));
    }
  }

  private static void export(InferenceToolkit model, float[][] images, int[] labels, Path file) throws Exception {
    try (PrintWriter csv = new PrintWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8))) {
      csv.println("index,label,predicted,score,margin,entropy,mutualInformation");
      int correct = 0;
      for (int start = 0; start < images.length; start += 256) {
        List<float[]> batch = new ArrayList<>();
        for (int i = start; i < Math.min(images.length, start + 256); i++) {
          batch.add(images[i]);
        }
        List<InferenceToolkit.Scores> scores = model.score(batch);
        for (int j = 0; j < scores.size(); j++) {
          InferenceToolkit.Scores u = scores.get(j);
          int i = start + j;
          correct += u.predictedClass() == labels[i] ? 1 : 0;
          csv.println(String.format(Locale.ROOT, "%d,%d,%d,%.7f,%.7f,%.7f,%.7f", i, labels[i], u.predictedClass(),
              u.score(), u.margin(), u.entropy(), u.mutualInformation()));
        }
      }
      System.out.printf(Locale.ROOT, "%s: %d images, accuracy %.4f%n", file, images.length, (double) correct / images.length);
    }
  }

  private static float[][] images(Path idx) throws IOException {
    byte[][] raw = FashionMnistIdx.images(idx);
    float[][] images = new float[raw.length][];
    for (int i = 0; i < raw.length; i++) {
      images[i] = new float[raw[i].length];
      for (int p = 0; p < raw[i].length; p++) {
        images[i][p] = raw[i][p] & 0xFF;
      }
    }
    return images;
  }

  private static int[] labels(Path idx) throws IOException {
    return FashionMnistIdx.labels(idx);
  }

  private static float[][] slice(float[][] all, int from, int to) {
    float[][] part = new float[to - from][];
    System.arraycopy(all, from, part, 0, part.length);
    return part;
  }

  private static int[] slice(int[] all, int from) {
    int[] part = new int[all.length - from];
    System.arraycopy(all, from, part, 0, part.length);
    return part;
  }
}
