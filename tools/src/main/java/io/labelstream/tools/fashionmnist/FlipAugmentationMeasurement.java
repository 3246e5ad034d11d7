package io.labelstream.tools.fashionmnist;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.labelstream.inference.InferenceToolkit;
import io.labelstream.platform.config.Env;
import io.labelstream.platform.model.ModelFolder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Measures whether horizontal-flip test-time augmentation (a card's {@code "testTimeAugmentation":
 * ["horizontal-flip"]}) makes the bundled model's routing score better, on the Fashion-MNIST validation split only
 * (the last 5,000 training images; the test set is not looked at). For the plain model and for the model with the
 * flip, it prints the accuracy, the AUROC of the routing score (max probability) for right against wrong answers,
 * and the share of frames the model could label at 99 % accuracy (the best cut on the same split, as the card's
 * {@code validationBestCutAt99}). Both runs go through the production inference code.
 *
 * <p>{@code java -cp 'tools/target/labelstream-tools.jar:tools/target/lib/*'
 * io.labelstream.tools.fashionmnist.FlipAugmentationMeasurement /usr/share/datasets/fashion-mnist}
 */
public final class FlipAugmentationMeasurement {

  private static final int VALIDATION = 5_000;
  private static final double TARGET_ACCURACY = 0.99;

  private FlipAugmentationMeasurement() {}

  /** What one way of running the model achieves on the split. */
  record Result(double accuracy, double auroc, double coverageAtTarget) {}

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: FlipAugmentationMeasurement <fashion-mnist idx dir>");
      System.exit(2);
    }
    Path data = Path.of(args[0]);
    byte[][] train = FashionMnistIdx.images(data.resolve("train-images-idx3-ubyte.gz"));
    int[] trainLabels = FashionMnistIdx.labels(data.resolve("train-labels-idx1-ubyte.gz"));
    List<float[]> images = new ArrayList<>();
    int[] labels = Arrays.copyOfRange(trainLabels, train.length - VALIDATION, train.length);
    for (int i = train.length - VALIDATION; i < train.length; i++) {
      float[] image = new float[train[i].length];
      for (int p = 0; p < image.length; p++) {
        image[p] = train[i][p] & 0xFF;
      }
      images.add(image);
    }
    Env env = new Env(Map.of("INFERENCE_INTRA_OP_THREADS", "0"));
    Result plain;
    try (InferenceToolkit model = InferenceToolkit.model(ModelFolder.bundled(), env)) {
      plain = measure(model, images, labels);
    }
    Result flipped;
    Path folder = Files.createTempDirectory("flip-tta");
    try (InferenceToolkit model = InferenceToolkit.model(withFlip(folder), env)) {
      flipped = measure(model, images, labels);
    } finally {
      try (var files = Files.list(folder)) {
        for (Path f : files.toList()) {
          Files.delete(f);
        }
      }
      Files.delete(folder);
    }
    print("without flip", plain);
    print("with flip   ", flipped);
  }

  /** A copy of the bundled model whose card also declares the flip. */
  private static ModelFolder withFlip(Path folder) throws Exception {
    ModelFolder bundled = ModelFolder.bundled();
    Files.write(folder.resolve(bundled.baseName() + ".onnx"), bundled.onnx());
    ObjectNode card = (ObjectNode) new ObjectMapper().readTree(bundled.card());
    card.putArray("testTimeAugmentation").add("horizontal-flip");
    Files.write(folder.resolve(bundled.baseName() + ".card.json"), new ObjectMapper().writeValueAsBytes(card));
    return ModelFolder.of(folder);
  }

  private static Result measure(InferenceToolkit model, List<float[]> images, int[] labels) throws Exception {
    double[] scores = new double[images.size()];
    boolean[] right = new boolean[images.size()];
    for (int start = 0; start < images.size(); start += 256) {
      List<InferenceToolkit.Scores> batch = model.score(images.subList(start, Math.min(images.size(), start + 256)));
      for (int j = 0; j < batch.size(); j++) {
        scores[start + j] = batch.get(j).score();
        right[start + j] = batch.get(j).predictedClass() == labels[start + j];
      }
    }
    int correct = 0;
    for (boolean r : right) {
      correct += r ? 1 : 0;
    }
    return new Result((double) correct / right.length, auroc(scores, right), coverageAt(scores, right));
  }

  /** The chance that a right answer scores above a wrong one (ties count half): Mann-Whitney U over both counts. */
  static double auroc(double[] scores, boolean[] right) {
    Integer[] order = order(scores);
    double rankSumRight = 0;
    long rights = 0;
    int i = 0;
    while (i < order.length) {
      int j = i;
      while (j + 1 < order.length && scores[order[j + 1]] == scores[order[i]]) {
        j++;
      }
      double averageRank = (i + j) / 2.0 + 1; // ascending ranks, 1-based, ties share the mean rank
      for (int k = i; k <= j; k++) {
        if (right[order[k]]) {
          rankSumRight += averageRank;
          rights++;
        }
      }
      i = j + 1;
    }
    long wrongs = scores.length - rights;
    return (rankSumRight - rights * (rights + 1) / 2.0) / ((double) rights * wrongs);
  }

  /** The largest share of frames, most confident first and cut between distinct scores, labelled at the target. */
  static double coverageAt(double[] scores, boolean[] right) {
    Integer[] order = order(scores);
    int best = 0;
    int correct = 0;
    for (int n = 1; n <= order.length; n++) {
      int idx = order[order.length - n];
      correct += right[idx] ? 1 : 0;
      boolean cutHere = n == order.length || scores[order[order.length - n - 1]] != scores[idx];
      if (cutHere && correct >= TARGET_ACCURACY * n) {
        best = n;
      }
    }
    return (double) best / order.length;
  }

  private static Integer[] order(double[] scores) {
    Integer[] order = new Integer[scores.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingDouble(i -> scores[i]));
    return order;
  }

  private static void print(String name, Result r) {
    System.out.printf(Locale.ROOT, "%s: accuracy %.4f, AUROC(max probability, right vs wrong) %.4f, "
        + "model-labelled share at %.0f%% accuracy %.4f%n", name, r.accuracy(), r.auroc(), TARGET_ACCURACY * 100,
        r.coverageAtTarget());
  }
}
