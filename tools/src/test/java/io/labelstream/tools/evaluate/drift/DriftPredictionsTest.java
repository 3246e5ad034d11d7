package io.labelstream.tools.evaluate.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.labelstream.inference.InferenceToolkit;
import io.labelstream.platform.config.Env;
import io.labelstream.platform.config.ToolVariables;
import io.labelstream.tools.fashionmnist.FashionMnistIdx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bundled model, really run the worker's way on the first test images, clean and drifted. */
class DriftPredictionsTest {

  private static final int IMAGES = 300;

  private static InferenceToolkit model;
  private static byte[][] images;
  private static int[] labels;

  @BeforeAll
  static void loadTheModelAndTheFirstTestImages() throws IOException {
    Path dataset = Env.system().get(ToolVariables.LABELSTREAM_FASHION_MNIST);
    images = Arrays.copyOf(FashionMnistIdx.images(dataset.resolve("t10k-images-idx3-ubyte.gz")), IMAGES);
    labels = Arrays.copyOf(FashionMnistIdx.labels(dataset.resolve("t10k-labels-idx1-ubyte.gz")), IMAGES);
    model = InferenceToolkit.bundledModel(0);
  }

  @AfterAll
  static void close() throws IOException {
    model.close();
  }

  @Test
  void severeNoiseAndSevereBlurCostAccuracy() throws IOException {
    double clean = DriftPredictions.accuracy(DriftPredictions.predict(model, images, labels, DriftKind.NOISE, 0));
    double noise = DriftPredictions.accuracy(
        DriftPredictions.predict(model, images, labels, DriftKind.NOISE, DriftSeverity.SEVERE.step()));
    double blur = DriftPredictions.accuracy(
        DriftPredictions.predict(model, images, labels, DriftKind.BLUR, DriftSeverity.SEVERE.step()));

    // The released model scores about 0.93 on the test set; 300 images leave a few points of slack.
    assertThat(clean).isGreaterThan(0.85);
    assertThat(noise).isLessThan(clean - 0.03);
    assertThat(blur).isLessThan(clean - 0.03);
  }

  @Test
  void rowsCarryTheTruthTheAnswerAndTheDriftedPixelsStatistics() throws IOException {
    List<DriftRow> rows = DriftPredictions.predict(model, images, labels, DriftKind.BRIGHTNESS, DriftKind.STEPS);

    assertThat(rows).hasSize(IMAGES);
    for (DriftRow row : rows) {
      assertThat(row.label()).isEqualTo(labels[row.index()]);
      assertThat(row.score()).isBetween(0.0, 1.0);
      byte[] darker = DriftKind.BRIGHTNESS.apply(images[row.index()], row.index(), DriftKind.STEPS);
      InferenceToolkit.FrameStatistics pixels = InferenceToolkit.greyStatistics(darker, 28, 28);
      // A PNG: quality 1.
      assertThat(row.statistics()).isEqualTo(new InferenceToolkit.FrameStatistics(pixels.brightness(),
          pixels.contrast(), pixels.sharpness(), pixels.colourfulness(), 1.0));
    }
  }

  @Test
  void jpegRowsCarryTheQualityTheirFilesWereWrittenAt() throws IOException {
    int step = DriftKind.STEPS / 2;
    List<DriftRow> rows = DriftPredictions.predict(model, Arrays.copyOf(images, 8), labels, DriftKind.JPEG, step);

    double quality = Math.round(DriftKind.JPEG.parameter(DriftKind.severity(step))) / 100.0;
    assertThat(rows).extracting(row -> row.statistics().jpegQuality()).containsOnly(quality);
    assertThat(quality).isLessThan(1.0);
  }

  @Test
  void theCacheReadsBackWhatWasComputedAndIsKeyedByTheModel(@TempDir Path cacheDirectory) throws IOException {
    byte[][] few = Arrays.copyOf(images, 8);
    DriftPredictions computed = DriftPredictions.compute(model, few, labels);
    Path cache = DriftPredictions.cacheFile(cacheDirectory, model);
    computed.write(cache, model);

    DriftPredictions read = DriftPredictions.load(model, cacheDirectory.resolve("no-dataset-here"), cacheDirectory);

    assertThat(cache.getFileName().toString()).startsWith(model.modelName() + "-" + model.modelVersion());
    assertThat(Files.list(cacheDirectory)).containsExactly(cache);
    for (DriftKind kind : DriftKind.values()) {
      for (int step = 0; step <= DriftKind.STEPS; step++) {
        List<DriftRow> expected = computed.rows(kind, step);
        List<DriftRow> actual = read.rows(kind, step);
        assertThat(actual).hasSize(expected.size());
        for (int i = 0; i < expected.size(); i++) {
          assertThat(actual.get(i).predicted()).isEqualTo(expected.get(i).predicted());
          assertThat(actual.get(i).score()).isEqualTo(expected.get(i).score());
          assertThat(actual.get(i).statistics().sharpness())
              .isCloseTo(expected.get(i).statistics().sharpness(), within(1e-6));
        }
      }
    }
  }
}
