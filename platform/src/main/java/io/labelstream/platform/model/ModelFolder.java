package io.labelstream.platform.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The files of one model, wherever they are: a folder named by LABELSTREAM_MODEL_DIR (or the {@code .onnx} in it), or
 * the bundled model inside the service's jar. Every service finds them through this one class, so they cannot disagree
 * about which card belongs to which model.
 *
 * <p>The files share a base name: {@code <model>.onnx}, {@code <model>.card.json}, and optionally
 * {@code <model>.validation.csv} (labelled validation predictions: without it the policy starts closed) and
 * {@code <model>.test.csv}; a detector's are {@code <model>.validation.jsonl} and {@code <model>.test.jsonl}
 * (scenes with their true and candidate boxes, read by {@link DetectionReplay}).
 */
public final class ModelFolder {

  /** The bundled model's base name, as a classpath resource. */
  public static final String BUNDLED = "/model/fashion-mnist-ensemble";

  private final Optional<Path> folder;
  private final String baseName;

  private ModelFolder(Optional<Path> folder, String baseName) {
    this.folder = folder;
    this.baseName = baseName;
  }

  /** The bundled model, read from the classpath. */
  public static ModelFolder bundled() {
    return new ModelFolder(Optional.empty(), BUNDLED);
  }

  /**
   * The model a setting names: the {@code .onnx} file itself, or a folder holding exactly one.
   *
   * @throws IOException naming what is missing or ambiguous
   */
  public static ModelFolder of(Path setting) throws IOException {
    Path onnx = onnxFile(setting);
    String base = onnx.getFileName().toString().replaceFirst("\\.onnx$", "");
    ModelFolder model = new ModelFolder(Optional.of(onnx.toAbsolutePath().getParent()), base);
    if (!Files.isRegularFile(model.path(".card.json").orElseThrow())) {
      throw new IOException("no model card " + base + ".card.json beside " + onnx
          + " (write one with ./labelstream model inspect " + onnx + ")");
    }
    return model;
  }

  /** The model a setting names, or the bundled one when the setting is unset. */
  public static ModelFolder of(Optional<Path> setting) throws IOException {
    return setting.isPresent() ? of(setting.get()) : bundled();
  }

  private static Path onnxFile(Path setting) throws IOException {
    if (Files.isRegularFile(setting)) {
      if (!setting.getFileName().toString().endsWith(".onnx")) {
        throw new IOException(setting + " is not an .onnx file");
      }
      return setting;
    }
    if (!Files.isDirectory(setting)) {
      throw new IOException(setting + " is neither an .onnx file nor a folder");
    }
    try (Stream<Path> files = Files.list(setting)) {
      List<Path> models = files.filter(f -> f.getFileName().toString().endsWith(".onnx")).sorted().toList();
      if (models.size() != 1) {
        throw new IOException("the folder " + setting + " must hold exactly one .onnx model (found " + models.size()
            + "); name the .onnx file instead");
      }
      return models.get(0);
    }
  }

  /** The model's base name: {@code fashion-mnist-ensemble} for {@code fashion-mnist-ensemble.onnx}. */
  public String baseName() {
    return folder.isPresent() ? baseName : baseName.substring(baseName.lastIndexOf('/') + 1);
  }

  /** Where the model is, for messages: its folder, or "bundled". */
  public String location() {
    return folder.map(Path::toString).orElse("bundled");
  }

  /** The file with this suffix beside the model, when the model is a folder on disk. */
  public Optional<Path> path(String suffix) {
    return folder.map(f -> f.resolve(baseName + suffix));
  }

  /** For logs and a config's {@code toString()}: the .onnx file, or the bundled model's name. */
  @Override
  public String toString() {
    return path(".onnx").map(Path::toString).orElse("bundled " + baseName());
  }

  public byte[] onnx() throws IOException {
    return required(".onnx");
  }

  public byte[] card() throws IOException {
    return required(".card.json");
  }

  /** The labelled validation predictions, when the model has them. */
  public Optional<byte[]> validationPredictions() throws IOException {
    return optional(baseName + ".validation.csv");
  }

  /** A detector's validation scenes with their true and candidate boxes, when the model has them. */
  public Optional<byte[]> validationReplay() throws IOException {
    return optional(baseName + ".validation.jsonl");
  }

  /** A file the card names (a labels file), looked up beside the card. */
  public Optional<byte[]> sibling(String fileName) throws IOException {
    if (fileName.contains("/") || fileName.contains("\\")) {
      throw new IOException("a file the model card names must sit beside it, not in another folder: " + fileName);
    }
    String prefix = folder.isPresent() ? "" : BUNDLED.substring(0, BUNDLED.lastIndexOf('/') + 1);
    return optional(prefix + fileName);
  }

  private byte[] required(String suffix) throws IOException {
    return optional(baseName + suffix).orElseThrow(() -> new IOException("the model " + baseName() + " has no "
        + baseName() + suffix + " (" + location() + ")"));
  }

  private Optional<byte[]> optional(String name) throws IOException {
    if (folder.isPresent()) {
      Path file = folder.get().resolve(name);
      return Files.isRegularFile(file) ? Optional.of(Files.readAllBytes(file)) : Optional.empty();
    }
    try (InputStream in = ModelFolder.class.getResourceAsStream(name)) {
      return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
    }
  }
}
