package io.labelstream.inference.model;

import static io.labelstream.inference.model.TestModels.COLOUR_NCHW_LOGITS;
import static io.labelstream.inference.model.TestModels.COLOUR_NHWC_UINT8_BGR;
import static io.labelstream.inference.model.TestModels.GREY_NCHW_LOGITS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.labelstream.inference.image.FrameDecoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The production path from PNG bytes to the probabilities the worker reports (the card read through ModelFolder,
 * FrameDecoder on the card's input, OnnxModel in ONNX Runtime, softmax where the card says logits) against an
 * answer computed entirely outside Java: the NumPy reference of the documented preprocessing, then the model's own
 * torch definition on that tensor ({@code src/test/python/make_reference_probabilities.py}). One model per card
 * variant the test models cover: NCHW RGB float32 ImageNet stretch logits, NHWC BGR uint8 letterbox probabilities,
 * grey float32 center-crop logits with a batch fixed at 1. The pictures are chosen so that no answer is saturated,
 * so a small error in the tensor shows in the probabilities.
 */
class ReferenceProbabilitiesTest {

  static final float TOLERANCE = 1e-4f;
  static final Path DIR = Path.of("src", "test", "resources", "probabilities");
  static final List<String> PICTURES = List.of("warm-96x54", "cool-40x64");
  static final List<String> MODELS = List.of(COLOUR_NCHW_LOGITS, COLOUR_NHWC_UINT8_BGR, GREY_NCHW_LOGITS);

  static Stream<Arguments> picturesAndModels() {
    List<Arguments> cases = new ArrayList<>();
    for (String picture : PICTURES) {
      for (String model : MODELS) {
        cases.add(Arguments.of(picture, model));
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} through {1}")
  @MethodSource("picturesAndModels")
  void shouldReportWhatTheTorchModelAnswersOnTheNumPyTensor(String picture, String name) throws Exception {
    Expected expected = Expected.read(picture, name);

    try (OnnxModel model = OnnxModel.load(TestModels.model(name), SessionSettings.defaults())) {
      float[] tensor = new FrameDecoder(model.card().input()).decode(png(picture));
      float[] probabilities = model.run(List.of(tensor))[0].meanProbs();

      InputSpec input = model.card().input();
      // Everything at once, so a failure shows whether the tensor or only the model's answer is off.
      SoftAssertions softly = new SoftAssertions();
      softly.assertThat(probabilities).as("probabilities of %s", model.card().classNames())
          .containsExactly(expected.probabilities(), within(TOLERANCE));
      double[] means = channelMeans(tensor, input);
      for (int c = 0; c < means.length; c++) {
        // A uint8 value that is a tie (x.5) before rounding may round either way (see make_reference_probabilities.py).
        double ties = (double) expected.channelTies()[c] / (input.width() * input.height());
        softly.assertThat(means[c]).as("mean of channel %d of the tensor fed", c)
            .isCloseTo(expected.channelMeans()[c], within(TOLERANCE + ties));
      }
      for (int k = 0; k < expected.indices().length; k++) {
        int i = expected.indices()[k];
        double value = expected.values()[k];
        if (input.dtype() == InputSpec.DType.FLOAT32) {
          softly.assertThat(tensor[i]).as("tensor value %d", i).isCloseTo((float) value, within(TOLERANCE));
        } else if (Math.abs(value - Math.floor(value) - 0.5) < TOLERANCE) {
          softly.assertThat(tensor[i]).as("tensor value %d, a tie (%s)", i, value)
              .isIn((float) Math.floor(value), (float) Math.ceil(value));
        } else {
          softly.assertThat(tensor[i]).as("tensor value %d (%s before rounding)", i, value)
              .isEqualTo((float) Math.floor(value + 0.5));
        }
      }
      softly.assertAll();
    }
  }

  /**
   * The comparison can fail: the same model with one card field wrong still loads (the graph cannot tell), and its
   * answer on the same picture moves far outside the tolerance.
   */
  @ParameterizedTest(name = "{0} with {2}")
  @CsvSource(delimiter = '|', value = {
      "colour-nhwc-uint8-bgr | \"colorOrder\": \"BGR\" | \"colorOrder\": \"RGB\"",
      "colour-nchw-logits    | \"resize\": \"stretch\" | \"resize\": \"letterbox\"",
      "grey-nchw-logits      | \"resize\": \"center-crop\" | \"resize\": \"stretch\""})
  void shouldMissTheReferenceWhenTheCardIsWrong(String name, String field, String wrong, @TempDir Path dir)
      throws Exception {
    String card = TestModels.card(name);
    assertThat(card).contains(field);

    try (OnnxModel model = OnnxModel.load(TestModels.withCard(name, card.replace(field, wrong), dir),
        SessionSettings.defaults())) {
      for (String picture : PICTURES) {
        float[] probabilities = model.run(List.of(new FrameDecoder(model.card().input()).decode(png(picture))))[0]
            .meanProbs();

        assertThat(largestDifference(probabilities, Expected.read(picture, name).probabilities()))
            .as("%s through %s with %s", picture, name, wrong).isGreaterThan(100 * TOLERANCE);
      }
    }
  }

  private static byte[] png(String picture) throws IOException {
    return Files.readAllBytes(DIR.resolve(picture + ".png"));
  }

  private static double[] channelMeans(float[] tensor, InputSpec input) {
    double[] sums = new double[input.channels()];
    int plane = input.width() * input.height();
    for (int i = 0; i < tensor.length; i++) {
      sums[input.layout() == InputSpec.Layout.NCHW ? i / plane : i % input.channels()] += tensor[i];
    }
    return Arrays.stream(sums).map(s -> s / plane).toArray();
  }

  private static float largestDifference(float[] a, float[] b) {
    float largest = 0;
    for (int i = 0; i < a.length; i++) {
      largest = Math.max(largest, Math.abs(a[i] - b[i]));
    }
    return largest;
  }

  /**
   * One {@code <picture>.<model>.txt}: the probabilities in the card's class order, the fed tensor's mean per channel
   * (card's channel order) with the number of uint8 ties in each, and its values before rounding at a few flat
   * indices.
   */
  record Expected(float[] probabilities, double[] channelMeans, int[] channelTies, int[] indices, double[] values) {

    static Expected read(String picture, String model) throws IOException {
      Map<String, String[]> lines = new HashMap<>();
      for (String line : Files.readAllLines(DIR.resolve(picture + "." + model + ".txt"))) {
        if (!line.isBlank() && !line.startsWith("#")) {
          String[] fields = line.trim().split(" ");
          lines.put(fields[0], Arrays.copyOfRange(fields, 1, fields.length));
        }
      }
      return new Expected(floats(lines.get("probabilities")),
          doubles(lines.get("channel_means")), ints(lines.get("channel_ties")), ints(lines.get("tensor_indices")),
          doubles(lines.get("tensor_values")));
    }

    private static float[] floats(String[] fields) {
      float[] values = new float[fields.length];
      for (int i = 0; i < fields.length; i++) {
        values[i] = Float.parseFloat(fields[i]);
      }
      return values;
    }

    private static double[] doubles(String[] fields) {
      return Arrays.stream(fields).mapToDouble(Double::parseDouble).toArray();
    }

    private static int[] ints(String[] fields) {
      return Arrays.stream(fields).mapToInt(Integer::parseInt).toArray();
    }
  }
}
