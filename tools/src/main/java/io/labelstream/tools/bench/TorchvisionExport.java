package io.labelstream.tools.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark's colour model: torchvision's {@code mobilenet_v3_small} with seeded random weights, exported by
 * {@code scripts/export-torchvision.py} at bench time (the right size and speed for a throughput figure; ten megabytes
 * nobody should commit). Needs Python with torch and torchvision; without them the figures that use it are skipped.
 */
final class TorchvisionExport {

  static final String SCRIPT = "scripts/export-torchvision.py";
  static final String ARCH = "mobilenet_v3_small";
  /**
   * Classes of the exported model: a labelling job's handful, not ImageNet's 1,000 (the backbone's cost is the same;
   * a thousand scores per frame would make the worker's per-frame bookkeeping, not the model, the figure).
   */
  static final int CLASSES = 10;

  /** The exported .onnx, or why there is none. */
  record Result(Path onnx, String skipped) {

    boolean exported() {
      return onnx != null;
    }
  }

  private TorchvisionExport() {}

  /** Exports into {@code dir} once; an export already there (from an earlier run) is reused. */
  static Result mobileNet(Path dir) throws IOException, InterruptedException {
    Path onnx = dir.resolve(ARCH + ".onnx");
    if (Files.isRegularFile(onnx) && Files.isRegularFile(dir.resolve(ARCH + ".card.json"))) {
      return new Result(onnx, null);
    }
    if (!Files.isRegularFile(Path.of(SCRIPT))) {
      return new Result(null, SCRIPT + " is not here (run the bench from the repository root)");
    }
    // Debian's python3 first: a python3 earlier on PATH (pyenv, a virtualenv) often lacks torch.
    String python = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
    Files.createDirectories(dir);
    Path log = Files.createTempFile("labelstream-export-", ".log");
    try {
      Process export;
      try {
        export = new ProcessBuilder(List.of(python, SCRIPT, "--arch", ARCH, "--random-weights", "--classes",
            Integer.toString(CLASSES), "--out", onnx.toString(), "--force"))
            .redirectErrorStream(true).redirectOutput(log.toFile()).start();
      } catch (IOException e) {
        return new Result(null, "no Python here (" + python + ": " + e.getMessage() + ")");
      }
      if (!export.waitFor(5, TimeUnit.MINUTES)) {
        export.destroyForcibly();
        return new Result(null, "the export took longer than 5 minutes");
      }
      if (export.exitValue() != 0) {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        String last = lines.isEmpty() ? "exit code " + export.exitValue() : lines.get(lines.size() - 1);
        return new Result(null, python + " " + SCRIPT + " failed (torch and torchvision installed?): " + last);
      }
      return new Result(onnx, null);
    } finally {
      Files.deleteIfExists(log);
    }
  }
}
