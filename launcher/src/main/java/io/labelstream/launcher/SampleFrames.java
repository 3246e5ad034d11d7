package io.labelstream.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The bundled sample images (the first Fashion-MNIST test images) with their true classes, from labels.csv. */
public final class SampleFrames {

  /** One sample: its PNG file and the class it truly shows. */
  public record Sample(Path file, int classIndex, String className) {

    public byte[] bytes() throws IOException {
      return Files.readAllBytes(file);
    }
  }

  private SampleFrames() {}

  public static List<Sample> load(Path dir) throws IOException {
    Path csv = dir.resolve("labels.csv");
    if (!Files.exists(csv)) {
      throw new IOException("no sample images at " + dir.toAbsolutePath() + " (labels.csv missing); set LABELSTREAM_SAMPLES");
    }
    List<Sample> samples = new ArrayList<>();
    List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
    for (String line : lines.subList(1, lines.size())) {
      if (line.isBlank()) {
        continue;
      }
      String[] parts = line.split(",", 3);
      samples.add(new Sample(dir.resolve(parts[0]), Integer.parseInt(parts[1]), parts[2]));
    }
    return samples;
  }
}
