package io.labelstream.tools.model;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The known class of each image file, from the labels CSV {@code ./labelstream model check --labels} reads: a
 * header naming the columns {@code file} and {@code label} (in any order, other columns ignored, as
 * {@code model/samples/labels.csv} has a {@code class} column too), then one row per image. The label is a class
 * name of the card or, when it is none, a class index 0..C-1.
 */
final class ImageLabels {

  private final Map<String, Integer> classByFile;

  private ImageLabels(Map<String, Integer> classByFile) {
    this.classByFile = classByFile;
  }

  static ImageLabels read(Path csv, List<String> classNames) throws IOException {
    List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
    if (lines.isEmpty()) {
      throw new IOException(csv + " is empty; it needs a header with the columns file,label");
    }
    List<String> header = fields(lines.get(0).replace("\uFEFF", "")).stream()
        .map(h -> h.toLowerCase(Locale.ROOT)).toList();
    int fileColumn = header.indexOf("file");
    int labelColumn = header.indexOf("label");
    if (fileColumn < 0 || labelColumn < 0) {
      throw new IOException(csv + ": the first line must be a header naming the columns file and label (found "
          + lines.get(0) + ")");
    }
    Map<String, Integer> byName = new HashMap<>();
    for (int c = 0; c < classNames.size(); c++) {
      byName.put(classNames.get(c), c);
    }
    Map<String, Integer> classByFile = new LinkedHashMap<>();
    for (int n = 1; n < lines.size(); n++) {
      if (lines.get(n).isBlank()) {
        continue;
      }
      String where = csv + " line " + (n + 1) + ": ";
      List<String> row = fields(lines.get(n));
      if (row.size() <= Math.max(fileColumn, labelColumn)) {
        throw new IOException(where + "fewer columns than the header");
      }
      String file = Path.of(row.get(fileColumn)).getFileName().toString();
      int label = classIndex(row.get(labelColumn), byName, classNames.size()).orElseThrow(() -> new IOException(
          where + "label '" + row.get(labelColumn) + "' is neither a class name of the model card nor a class index 0.."
              + (classNames.size() - 1)));
      if (classByFile.put(file, label) != null) {
        throw new IOException(where + file + " is labelled twice");
      }
    }
    return new ImageLabels(classByFile);
  }

  /** The class of the image file named {@code fileName}, when the CSV has a row for it. */
  Optional<Integer> classOf(String fileName) {
    return Optional.ofNullable(classByFile.get(fileName));
  }

  /** The files the CSV labels, in its order. */
  List<String> files() {
    return List.copyOf(classByFile.keySet());
  }

  private static Optional<Integer> classIndex(String label, Map<String, Integer> byName, int classes) {
    if (byName.containsKey(label)) {
      return Optional.of(byName.get(label));
    }
    try {
      int index = Integer.parseInt(label);
      return index >= 0 && index < classes ? Optional.of(index) : Optional.empty();
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** One CSV line's fields, trimmed, with the quotes around a quoted field removed (no commas inside quotes). */
  private static List<String> fields(String line) {
    return java.util.Arrays.stream(line.split(",", -1)).map(String::strip)
        .map(f -> f.length() >= 2 && f.startsWith("\"") && f.endsWith("\"") ? f.substring(1, f.length() - 1) : f)
        .toList();
  }
}
