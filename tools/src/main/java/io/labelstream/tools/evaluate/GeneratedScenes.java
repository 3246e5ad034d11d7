package io.labelstream.tools.evaluate;

import io.labelstream.launcher.SampleScenes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Test scenes made at run time by the scene generator, {@code /usr/bin/python3 model/scenes.py --split test}: the
 * same scenes the detector's test predictions were made from (scene i is the same on every run), written with their
 * true boxes as {@link SampleScenes} reads them.
 */
final class GeneratedScenes {

  static final Path PYTHON = Path.of("/usr/bin/python3");
  static final Path SCRIPT = Path.of("model", "scenes.py");
  /** Where scenes.py reads Fashion-MNIST (its DATA_DIR): the Debian package's folder. */
  static final Path DATASET = Path.of("/usr/share/datasets/fashion-mnist", "t10k-images-idx3-ubyte.gz");
  static final String PACKAGES = "python3-numpy python3-pil dataset-fashion-mnist";

  private GeneratedScenes() {}

  /** Writes test scenes 0 to {@code count - 1} to {@code dir} and reads them back. */
  static List<SampleScenes.Scene> write(int count, Path dir) throws IOException, InterruptedException {
    if (!Files.isExecutable(PYTHON) || !Files.isRegularFile(DATASET)) {
      throw new IOException("--e2e without --scenes generates its test scenes with " + PYTHON + " " + SCRIPT
          + ", which needs Python 3 with numpy and PIL and the Fashion-MNIST test images at " + DATASET.getParent()
          + ": apt-get install " + PACKAGES + " (or pass --scenes DIR, a folder of scenes with a COCO scenes.json)");
    }
    if (!Files.isRegularFile(SCRIPT)) {
      throw new IOException("no " + SCRIPT + " in " + Path.of("").toAbsolutePath()
          + ": run ./labelstream from the repository, or pass --scenes DIR");
    }
    Path log = Files.createTempFile("labelstream-scenes-", ".log");
    try {
      Process python = new ProcessBuilder(PYTHON.toString(), SCRIPT.toString(), "--split", "test", "--count",
          Integer.toString(count), "--out", dir.toString()).redirectErrorStream(true).redirectOutput(log.toFile())
          .start();
      int exit = python.waitFor();
      if (exit != 0) {
        throw new IOException(SCRIPT + " failed (exit " + exit + "); it needs " + PACKAGES + " (apt-get install "
            + PACKAGES + "). Its output:\n" + Files.readString(log, StandardCharsets.UTF_8).strip());
      }
    } finally {
      Files.deleteIfExists(log);
    }
    return SampleScenes.load(dir);
  }
}
