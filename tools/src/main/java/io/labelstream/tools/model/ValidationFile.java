package io.labelstream.tools.model;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The model's labelled validation predictions, {@code <model>.validation.csv}: what the review service's threshold
 * controller reads at start-up to begin from a guaranteed threshold instead of sending everything to people. The
 * format is the bundled model's: a header, then one row per image with its true class, the predicted class and the
 * worker's uncertainty scores (the routing score is the top class probability).
 */
final class ValidationFile {

  static final String HEADER = "index,label,predicted,score,margin,entropy,mutualInformation";

  /**
   * One labelled image's prediction.
   *
   * @param index the image's position in the checked folder, sorted by file name
   * @param mutualInformation NaN when the model has no members to disagree (written as 0)
   */
  record Row(int index, int label, int predicted, double score, double margin, double entropy, double mutualInformation) {

    boolean correct() {
      return label == predicted;
    }
  }

  private ValidationFile() {}

  static void write(Path file, List<Row> rows) throws IOException {
    if (file.toAbsolutePath().getParent() != null) {
      Files.createDirectories(file.toAbsolutePath().getParent());
    }
    try (PrintWriter csv = new PrintWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8))) {
      csv.println(HEADER);
      for (Row r : rows) {
        // A single network has no members to disagree: the column the controller does not read is 0, not empty.
        double mutualInformation = Double.isNaN(r.mutualInformation()) ? 0 : r.mutualInformation();
        csv.println(String.format(Locale.ROOT, "%d,%d,%d,%.7f,%.7f,%.7f,%.7f", r.index(), r.label(), r.predicted(),
            r.score(), r.margin(), r.entropy(), mutualInformation));
      }
    }
  }
}
