package io.labelstream.review.policy;

import io.labelstream.platform.model.DetectionReplay;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The model's labelled validation predictions (written at release time next to the model card): the prior evidence
 * that lets the controller start with a guaranteed threshold before the first audit. A classifier's are a CSV
 * ({@code <model>.validation.csv}); a detector's are its validation scenes ({@code <model>.validation.jsonl}, read by
 * {@link DetectionReplay}), counted for its one routing class at their frame score, an error where the boxes the
 * model would label are not exact: the same evidence, weighed and checked for shift the same way.
 */
public final class ValidationEvidence {

  private ValidationEvidence() {}

  /** Reads a CSV with a header and the columns {@code index,label,predicted,score,...}. */
  public static BandCounts read(InputStream csv, int classes, ScoreGrid grid) throws IOException {
    BandCounts counts = new BandCounts(classes, grid.bands());
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(csv, StandardCharsets.UTF_8))) {
      String header = reader.readLine();
      if (header == null || !header.startsWith("index,label,predicted,score")) {
        throw new IOException("validation predictions must start with the header index,label,predicted,score");
      }
      String line;
      while ((line = reader.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        String[] f = line.split(",");
        int label = Integer.parseInt(f[1]);
        int predicted = Integer.parseInt(f[2]);
        counts.add(predicted, grid.band(Double.parseDouble(f[3])), label != predicted);
      }
    }
    return counts;
  }

  /** A detector's validation scenes as evidence for its one routing class (class 0, "frame"). */
  public static BandCounts fromScenes(List<DetectionReplay.Frame> scenes, ScoreGrid grid) {
    BandCounts counts = new BandCounts(1, grid.bands());
    for (DetectionReplay.Frame scene : scenes) {
      counts.add(0, grid.band(scene.score()), !scene.exact());
    }
    return counts;
  }
}
