package io.labelstream.tools.evaluate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;

/**
 * A detector's folder for tests, generated from a seed: a placeholder {@code .onnx}, a detection card and replay
 * files ({@code .validation.jsonl}, {@code .test.jsonl}) in the bundled detector's format. Each scene has 0-4 true
 * boxes and a quality q: the candidates for true boxes score higher the higher q, and with a chance that falls with
 * q the model errs (misses a box by scoring it under the cut-off, adds a box, or gives a box the wrong class), the
 * erring candidate scoring near the cut-off. So higher frame scores are more often exact, as with a real detector.
 */
final class SyntheticDetector {

  static final String NAME = "synthetic-detector";

  private SyntheticDetector() {}

  /**
   * @param errorScale how often the model errs (1 = the default fixture); larger is a worse model
   * @param cardTarget the card's frameExactnessTarget, or null for none
   */
  static Path write(Path folder, long seed, int validationScenes, int testScenes, double errorScale, Double cardTarget)
      throws IOException {
    Files.write(folder.resolve(NAME + ".onnx"), new byte[] {0x08, 0x07});
    Files.writeString(folder.resolve(NAME + ".card.json"), "{\"cardVersion\": 2, \"name\": \"" + NAME + "\", "
        + "\"version\": \"0.0.1\", \"task\": \"detection\", \"input\": {\"name\": \"images\", \"layout\": \"NCHW\", "
        + "\"channels\": 3, \"colorOrder\": \"RGB\", \"width\": 320, \"height\": 320, \"resize\": \"letterbox\", "
        + "\"dtype\": \"float32\"}, \"output\": {\"format\": \"yolo\", \"name\": \"output0\", \"scoreThreshold\": 0.3}, "
        + "\"classNames\": [\"a\", \"b\", \"c\", \"d\", \"e\"]"
        + (cardTarget == null ? "" : ", \"frameExactnessTarget\": " + cardTarget) + "}\n");
    Files.writeString(folder.resolve(NAME + ".validation.jsonl"), scenes(new Random(seed), validationScenes, errorScale));
    Files.writeString(folder.resolve(NAME + ".test.jsonl"), scenes(new Random(seed + 1), testScenes, errorScale));
    return folder;
  }

  private static String scenes(Random random, int n, double errorScale) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < n; i++) {
      double q = random.nextDouble();
      int objects = random.nextInt(5);
      StringBuilder truth = new StringBuilder();
      StringBuilder candidates = new StringBuilder();
      boolean err = random.nextDouble() < Math.min(1.0, errorScale * 0.5 * (1 - q) * (1 - q));
      int kind = random.nextInt(3);
      for (int o = 0; o < objects; o++) {
        int c = random.nextInt(5);
        double x = 10 + 120 * o;
        double y = 20 + random.nextInt(300);
        double score = 0.6 + 0.39 * q * (0.9 + 0.1 * random.nextDouble());
        int predicted = c;
        if (err && o == 0 && kind == 0) {
          score = 0.15 + 0.14 * random.nextDouble();
        } else if (err && o == 0 && kind == 1) {
          predicted = (c + 1) % 5;
          score = 0.31 + 0.2 * random.nextDouble();
        }
        append(truth, c, x, y, -1);
        append(candidates, predicted, x + 2, y + 1, score);
      }
      if (err && (kind == 2 || objects == 0)) {
        append(candidates, random.nextInt(5), 500, 400, 0.31 + 0.2 * random.nextDouble());
      }
      // Candidates under the frame score's floor, as a replay file keeps them: they change nothing.
      append(candidates, random.nextInt(5), 600, 10, 0.01 + 0.03 * random.nextDouble());
      out.append("{\"scene\":").append(i).append(",\"width\":640,\"height\":480,\"truth\":[").append(truth)
          .append("],\"candidates\":[").append(candidates).append("]}\n");
    }
    return out.toString();
  }

  private static void append(StringBuilder list, int c, double x, double y, double score) {
    if (!list.isEmpty()) {
      list.append(',');
    }
    list.append(String.format(Locale.ROOT, "{\"classIndex\":%d,\"x\":%.1f,\"y\":%.1f,\"w\":100.0,\"h\":60.0", c, x, y));
    if (score >= 0) {
      list.append(String.format(Locale.ROOT, ",\"score\":%.5f,\"scores\":[]", score));
    }
    list.append('}');
  }
}
