package io.labelstream.tools.model;

import io.labelstream.inference.InferenceToolkit;
import io.labelstream.inference.InferenceToolkit.Decoder;
import io.labelstream.inference.InferenceToolkit.Scores;
import io.labelstream.platform.config.Env;
import io.labelstream.launcher.SampleScenes;
import io.labelstream.platform.model.ModelFolder;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * {@code ./labelstream model check FILE.onnx --images DIR [--labels CSV]}: runs the model with its card on every
 * PNG and JPEG in a folder exactly as the worker would (its decoder and preprocessing, batches through the same
 * model class) and prints each prediction. Given the images' true classes it prints the accuracy and writes the
 * validation predictions the threshold controller starts from.
 */
final class ModelCheck {

  /** Scores at which the coverage table is printed: how much the model would label alone at each threshold. */
  private static final double[] THRESHOLDS = {0.5, 0.8, 0.9, 0.95, 0.99};

  /**
   * @param out where the validation predictions go; {@code <model>.validation.csv} beside the model when empty
   * @param force overwrite existing validation predictions (a released model's are never lost by accident)
   * @param batch images per model call
   */
  record Options(Path onnx, Path images, Optional<Path> labels, Optional<Path> out, boolean force, int batch) {}

  /** What the check found: for the summary and for tests. */
  record Result(int images, int decoded, int labelled, int correct, Optional<Path> validationFile) {

    double accuracy() {
      return (double) correct / labelled;
    }
  }

  private ModelCheck() {}

  static Result run(Options options, Env env, PrintStream out) throws IOException {
    Path validation = options.out().orElseGet(() -> ModelCommand.sibling(options.onnx(), ".validation.csv"));
    if (options.labels().isPresent() && Files.exists(validation) && !options.force()) {
      throw new IOException(validation + " exists; pass --force to overwrite it, or --out FILE to write elsewhere");
    }
    List<Path> files = images(options.images());
    if (files.isEmpty()) {
      throw new IOException("no .png, .jpg or .jpeg file in " + options.images());
    }
    try (InferenceToolkit model = InferenceToolkit.model(ModelFolder.of(options.onnx()), env)) {
      List<String> classes = model.classNames();
      if (model.detects()) {
        out.println("model " + model.modelName() + ": a detection model (" + classes.size() + " classes, input "
            + model.inputDescription() + "); its card fits its graph");
        if (options.labels().isPresent()) {
          throw new IOException("--labels names each image's one class, for a classifier; a detector's true boxes are "
              + "read from " + SampleScenes.ANNOTATIONS + " in the images folder");
        }
        if (!DetectionCheck.hasScenes(options.images())) {
          out.println("no " + SampleScenes.ANNOTATIONS + " in " + options.images() + ": with the frames' true boxes "
              + "there (COCO object detection, as model/scenes.py writes it) model check measures the detector's mAP");
          return new Result(files.size(), 0, 0, 0, Optional.empty());
        }
        DetectionCheck.Result measured = DetectionCheck.run(model, options.images(), options.batch(), out);
        return new Result(files.size(), measured.scenes(), measured.scenes(), 0, Optional.empty());
      }
      Optional<ImageLabels> labels = options.labels().isPresent()
          ? Optional.of(ImageLabels.read(options.labels().get(), classes)) : Optional.empty();
      out.println("model " + model.modelName() + ": " + classes.size() + " classes, input " + model.inputDescription());
      out.printf("%-5s %-32s %-20s %11s %7s  %s%n", "index", "file", "predicted", "probability", "margin",
          labels.isPresent() ? "label" : "");

      Decoder decoder = model.decoder();
      List<ValidationFile.Row> rows = new ArrayList<>();
      int decoded = 0;
      List<String> unlabelled = new ArrayList<>();
      for (int start = 0; start < files.size(); start += options.batch()) {
        List<Integer> indices = new ArrayList<>();
        List<float[]> tensors = new ArrayList<>();
        for (int i = start; i < Math.min(files.size(), start + options.batch()); i++) {
          try {
            tensors.add(decoder.decode(Files.readAllBytes(files.get(i))));
            indices.add(i);
          } catch (IOException e) {
            out.printf("%-5d %-32s skipped: %s%n", i, files.get(i).getFileName(), e.getMessage());
          }
        }
        if (tensors.isEmpty()) {
          continue;
        }
        List<Scores> scores = model.score(tensors);
        decoded += scores.size();
        for (int j = 0; j < scores.size(); j++) {
          int index = indices.get(j);
          String file = files.get(index).getFileName().toString();
          Scores s = scores.get(j);
          Optional<Integer> label = labels.flatMap(l -> l.classOf(file));
          String verdict = label.map(l -> classes.get(l) + (l == s.predictedClass() ? "" : "  WRONG")).orElse(
              labels.isPresent() ? "(not in the labels CSV)" : "");
          out.printf(Locale.ROOT, "%-5d %-32s %-20s %11.4f %7.4f  %s%n", index, file, classes.get(s.predictedClass()),
              s.score(), s.margin(), verdict);
          if (label.isPresent()) {
            rows.add(new ValidationFile.Row(index, label.get(), s.predictedClass(), s.score(), s.margin(), s.entropy(),
                s.mutualInformation()));
          } else if (labels.isPresent()) {
            unlabelled.add(file);
          }
        }
      }
      out.println();
      out.printf("%d images, %d decoded, %d skipped%n", files.size(), decoded, files.size() - decoded);
      if (labels.isEmpty()) {
        return new Result(files.size(), decoded, 0, 0, Optional.empty());
      }
      return summarise(labels.get(), files, unlabelled, rows, validation, decoded, out);
    }
  }

  private static Result summarise(ImageLabels labels, List<Path> files, List<String> unlabelled,
      List<ValidationFile.Row> rows, Path validation, int decoded, PrintStream out) throws IOException {
    if (!unlabelled.isEmpty()) {
      out.printf("%d images have no row in the labels CSV and are left out (first: %s)%n", unlabelled.size(),
          unlabelled.get(0));
    }
    Set<String> present = new HashSet<>();
    files.forEach(f -> present.add(f.getFileName().toString()));
    List<String> absent = labels.files().stream().filter(f -> !present.contains(f)).toList();
    if (!absent.isEmpty()) {
      out.printf("%d rows of the labels CSV name no image in the folder (first: %s)%n", absent.size(), absent.get(0));
    }
    if (rows.isEmpty()) {
      throw new IOException("no decoded image has a label: no validation predictions written");
    }
    int correct = (int) rows.stream().filter(ValidationFile.Row::correct).count();
    Result result = new Result(files.size(), decoded, rows.size(), correct, Optional.of(validation));
    out.printf(Locale.ROOT, "accuracy %.4f (%d of %d labelled images)%n", result.accuracy(), correct, rows.size());
    out.printf("%-10s %9s %9s%n", "score >=", "coverage", "accuracy");
    for (double t : THRESHOLDS) {
      List<ValidationFile.Row> above = rows.stream().filter(r -> r.score() >= t).toList();
      long right = above.stream().filter(ValidationFile.Row::correct).count();
      out.printf(Locale.ROOT, "%-10s %9.4f %9s%n", t, (double) above.size() / rows.size(),
          above.isEmpty() ? "-" : String.format(Locale.ROOT, "%.4f", (double) right / above.size()));
    }
    ValidationFile.write(validation, rows);
    out.println("wrote the validation predictions " + validation + " (" + rows.size() + " rows): the review service "
        + "reads them beside the model and starts from a threshold they guarantee; the more labelled images, the "
        + "less it must hold back (the bundled model has 5,000)");
    return result;
  }

  /** The PNG and JPEG files directly in {@code folder}, sorted by name. */
  private static List<Path> images(Path folder) throws IOException {
    if (!Files.isDirectory(folder)) {
      throw new IOException(folder + " is not a folder");
    }
    try (Stream<Path> files = Files.list(folder)) {
      return files.filter(Files::isRegularFile).filter(f -> {
        String name = f.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".png") || name.endsWith(".jpg") || name.endsWith(".jpeg");
      }).sorted().toList();
    }
  }
}
