package io.labelstream.tools.evaluate;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The bundled model's real predictions for the 10,000 Fashion-MNIST test images (see ExportPredictions). */
record TestPredictions(List<Row> rows) {

  /** One test image: its true class, the predicted class and the routing score. */
  record Row(int index, int label, int predicted, double score, double margin, double entropy, double mutualInformation) {

    Row(int index, int label, int predicted, double score) {
      this(index, label, predicted, score, 0, 0, 0);
    }

    boolean correct() {
      return label == predicted;
    }
  }

  static TestPredictions read(Path csv) throws IOException {
    List<Row> rows = new ArrayList<>();
    List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
    for (String line : lines.subList(1, lines.size())) {
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.split(",");
      rows.add(new Row(Integer.parseInt(f[0]), Integer.parseInt(f[1]), Integer.parseInt(f[2]), Double.parseDouble(f[3]),
          Double.parseDouble(f[4]), Double.parseDouble(f[5]), Double.parseDouble(f[6])));
    }
    return new TestPredictions(List.copyOf(rows));
  }
}
