package io.labelstream.tools.evaluate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code ./labelstream evaluate} (classification) prints what it printed before the detector's replay was added:
 * the same figures, line for line, on the bundled classifier's test predictions. The expected output (written with
 * {@code -Dlabelstream.regenerate.evaluate=true}) holds the figures docs/label-quality.md quotes, since the validation
 * weight is 0.5: mean share 77.74% (77.68% after 2,000 frames, oracle 80.25%), lowest accuracy 0.9926, worst class
 * 0.9821. Since the replay runs the drift-aware policy the review service runs, its header says so and a column
 * counts the changes it detected (none in any seed); the figures did not move. Since 2026-12-05 the bound column is
 * the bound for the model labels written (0.9894–0.9902; the rate's was 0.9900–0.9905), the only figures that moved.
 */
class ClassificationOutputTest {

  private static final Path ROOT = Path.of(System.getProperty("labelstream.root", ".."));
  private static final Path EXPECTED = Path.of("src/test/resources/evaluate/classification-output.txt");

  @Test
  void shouldPrintTheSameClassificationFiguresAsBefore() throws Exception {
    Path onnx = ROOT.resolve("model").resolve("fashion-mnist-ensemble.onnx");
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream original = System.out;
    int exit;
    try {
      System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
      exit = Evaluate.main(Map.of("LABELSTREAM_MODEL_DIR", onnx.toString()), new String[0]);
    } finally {
      System.setOut(original);
    }
    String printed = captured.toString(StandardCharsets.UTF_8)
        .replace(ROOT.resolve("model").toString(), "<model>");
    if (Boolean.getBoolean("labelstream.regenerate.evaluate")) {
      Files.writeString(EXPECTED, printed);
    }
    assertThat(exit).isZero();
    assertThat(printed).isEqualTo(Files.readString(EXPECTED));
  }
}
