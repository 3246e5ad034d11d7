package io.labelstream.tools.model;

import static io.labelstream.tools.model.ModelInspectTest.BUNDLED;
import static io.labelstream.tools.model.ModelInspectTest.MODEL_DIR;
import static org.assertj.core.api.Assertions.assertThat;

import io.labelstream.platform.config.Env;
import io.labelstream.review.policy.BandCounts;
import io.labelstream.review.policy.ScoreGrid;
import io.labelstream.review.policy.ValidationEvidence;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./labelstream model check} on the bundled model and its real sample images. */
class ModelCheckTest {

  private static final Path SAMPLES = MODEL_DIR.resolve("samples");
  private static final Pattern ACCURACY = Pattern.compile("accuracy (\\d\\.\\d{4}) \\((\\d+) of (\\d+) labelled");

  @TempDir
  Path dir;

  private final ByteArrayOutputStream printed = new ByteArrayOutputStream();

  @Test
  void shouldWriteValidationPredictionsTheReviewServiceReadsWithThePrintedAccuracy() throws Exception {
    // The samples' known classes, by name (labels.csv also has them as indices, in its "label" column)
    List<String> rows = new ArrayList<>(List.of("file,label"));
    Files.readAllLines(SAMPLES.resolve("labels.csv")).stream().skip(1).map(l -> l.split(","))
        .forEach(f -> rows.add(f[0] + "," + f[2]));
    Path labels = Files.write(dir.resolve("labels.csv"), rows);
    Path validation = dir.resolve("out/fashion.validation.csv");

    assertThat(model("check", BUNDLED.toString(), "--images", SAMPLES.toString(), "--labels", labels.toString(),
        "--out", validation.toString())).isZero();

    Matcher accuracy = ACCURACY.matcher(printed());
    assertThat(accuracy.find()).as(printed()).isTrue();
    assertThat(accuracy.group(3)).isEqualTo("1000");
    BandCounts.Count total = total(validation);
    assertThat(total.n()).isEqualTo(1000);
    assertThat(String.format(java.util.Locale.ROOT, "%.4f", 1 - (double) total.errors() / total.n()))
        .isEqualTo(accuracy.group(1));
    assertThat(Files.readAllLines(validation).get(0)).isEqualTo(ValidationFile.HEADER);
    // The samples are the first 1,000 Fashion-MNIST test images: through the production decoder the model must
    // answer as it did on the dataset's raw pixels when the bundled test predictions were made: the same class, and
    // the same score to ONNX Runtime's rounding (its kernels differ by CPU: one machine's 0.4924761 is another's
    // 0.4924762).
    List<String> released = Files.readAllLines(MODEL_DIR.resolve("fashion-mnist-ensemble.test.csv")).subList(1, 1001);
    List<String> checked = Files.readAllLines(validation).subList(1, 1001);
    for (int i = 0; i < 1000; i++) {
      assertThat(firstFields(checked.get(i), 3)).as("sample %d", i).isEqualTo(firstFields(released.get(i), 3));
      assertThat(Double.parseDouble(checked.get(i).split(",")[3])).as("sample %d's score", i)
          .isCloseTo(Double.parseDouble(released.get(i).split(",")[3]), org.assertj.core.data.Offset.offset(1e-6));
    }
  }

  @Test
  void shouldReportAndSkipAnImageThatDoesNotDecode() throws Exception {
    Path images = Files.createDirectories(dir.resolve("images"));
    for (String name : List.of("test-00000.png", "test-00001.png", "test-00002.png")) {
      Files.copy(SAMPLES.resolve(name), images.resolve(name));
    }
    Files.write(images.resolve("broken.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 1, 2, 3});
    Files.writeString(images.resolve("notes.txt"), "not an image");
    Path labels = Files.write(dir.resolve("labels.csv"), List.of("label,file", "9,test-00000.png", "2,test-00001.png",
        "1,broken.png"));
    Path validation = dir.resolve("fashion.validation.csv");

    assertThat(model("check", BUNDLED.toString(), "--images", images.toString(), "--labels", labels.toString(),
        "--out", validation.toString(), "--batch", "2")).isZero();

    assertThat(printed()).contains("broken.png", "skipped:").doesNotContain("notes.txt")
        .contains("4 images, 3 decoded, 1 skipped").contains("1 images have no row in the labels CSV")
        .contains("accuracy 1.0000 (2 of 2 labelled images)");
    assertThat(Files.readAllLines(validation)).hasSize(3);
    assertThat(total(validation).n()).isEqualTo(2);
  }

  @Test
  void shouldRefuseToOverwriteValidationPredictionsUnlessForced() throws Exception {
    Path validation = Files.writeString(dir.resolve("kept.validation.csv"), "released");
    Path labels = Files.write(dir.resolve("labels.csv"), List.of("file,label", "test-00000.png,Ankle boot"));
    String[] check = {"check", BUNDLED.toString(), "--images", SAMPLES.toString(), "--labels", labels.toString(),
        "--out", validation.toString()};

    assertThat(model(check)).isEqualTo(1);
    assertThat(printed()).contains("exists", "--force");
    assertThat(Files.readString(validation)).isEqualTo("released");
  }

  @Test
  void shouldRefuseALabelThatIsNoClassOfTheCard() throws Exception {
    Path labels = Files.write(dir.resolve("labels.csv"), List.of("file,label", "test-00000.png,Boot"));

    assertThat(model("check", BUNDLED.toString(), "--images", SAMPLES.toString(), "--labels", labels.toString(),
        "--out", dir.resolve("v.csv").toString())).isEqualTo(1);
    assertThat(printed()).contains("line 2", "'Boot'", "neither a class name");
  }

  private static BandCounts.Count total(Path validation) throws Exception {
    ScoreGrid grid = ScoreGrid.standard();
    BandCounts counts;
    try (InputStream in = Files.newInputStream(validation)) {
      counts = ValidationEvidence.read(in, 10, grid);
    }
    BandCounts.Count total = BandCounts.Count.ZERO;
    for (int c = 0; c < counts.classes(); c++) {
      total = total.plus(counts.atOrAbove(c, grid.bands() - 1));
    }
    return total;
  }

  private static String firstFields(String line, int n) {
    return String.join(",", List.of(line.split(",")).subList(0, n));
  }

  @Test
  void shouldLoadADetectorAndSayItNeedsTrueBoxesToMeasureIt() throws Exception {
    Path source = Path.of("../inference-service/src/test/resources/detection/yolo11n");
    Path folder = Files.createDirectories(dir.resolve("yolo"));
    for (String file : List.of("yolo11n.onnx", "yolo11n.card.json")) {
      Files.copy(source.resolve(file), folder.resolve(file));
    }
    Path images = Files.createDirectories(dir.resolve("scenes"));
    Files.copy(source.resolve("scene-640x480.png"), images.resolve("scene.png"));

    assertThat(model("check", folder.resolve("yolo11n.onnx").toString(), "--images", images.toString())).isZero();

    assertThat(printed()).contains("a detection model (80 classes", "its card fits its graph",
        "no scenes.json in", "model check measures the detector's mAP");
  }

  @Test
  void shouldMeasureADetectorsMapOnScenesWithTheirTrueBoxes() throws Exception {
    assertThat(model("check", MODEL_DIR.resolve("fashion-detector.onnx").toString(), "--images",
        SAMPLES.resolve("scenes").toString())).isZero();

    assertThat(printed()).contains("a detection model (10 classes", "mAP of 64 scenes", "Ankle boot", "mean",
        "as Ultralytics' validation counts");

    assertThat(model("check", MODEL_DIR.resolve("fashion-detector.onnx").toString(), "--images",
        SAMPLES.resolve("scenes").toString(), "--labels", SAMPLES.resolve("labels.csv").toString())).isEqualTo(1);
    assertThat(printed()).contains("a detector's true boxes are read from scenes.json");
  }

  private int model(String... args) {
    printed.reset();
    PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
    return ModelCommand.run(new Env(Map.of()), args, out, out);
  }

  private String printed() {
    return printed.toString(StandardCharsets.UTF_8);
  }
}
