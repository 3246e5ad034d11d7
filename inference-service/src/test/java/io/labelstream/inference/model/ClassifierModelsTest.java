package io.labelstream.inference.model;

import static io.labelstream.inference.model.TestModels.COLOUR_NCHW_LOGITS;
import static io.labelstream.inference.model.TestModels.COLOUR_NHWC_UINT8_BGR;
import static io.labelstream.inference.model.TestModels.GREY_NCHW_LOGITS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The generated classifiers of the shapes users bring, run for real by ONNX Runtime on tensors made as the decoding
 * contract says. Each model's answer depends on the channel order and layout, so a packing mistake fails here.
 */
class ClassifierModelsTest {

  private static final int[][] PURE = {{255, 0, 0}, {0, 255, 0}, {0, 0, 255}};
  /** Mostly one colour, with some of the others: still unambiguous. */
  private static final int[][] MOSTLY = {{200, 40, 60}, {30, 180, 70}, {50, 60, 210}};

  @ParameterizedTest
  @ValueSource(strings = {COLOUR_NCHW_LOGITS, COLOUR_NHWC_UINT8_BGR})
  void shouldNameTheDominantColourOfEachFrame(String name) throws Exception {
    try (OnnxModel model = OnnxModel.load(TestModels.model(name), SessionSettings.defaults())) {
      InputSpec input = model.card().input();
      List<float[]> batch = List.of(
          TestModels.solid(input, PURE[0][0], PURE[0][1], PURE[0][2]),
          TestModels.solid(input, PURE[1][0], PURE[1][1], PURE[1][2]),
          TestModels.solid(input, PURE[2][0], PURE[2][1], PURE[2][2]),
          TestModels.solid(input, MOSTLY[0][0], MOSTLY[0][1], MOSTLY[0][2]),
          TestModels.solid(input, MOSTLY[1][0], MOSTLY[1][1], MOSTLY[1][2]),
          TestModels.solid(input, MOSTLY[2][0], MOSTLY[2][1], MOSTLY[2][2]));

      ModelOutput[] outputs = model.run(batch);

      assertThat(model.card().classNames()).containsExactly("red", "green", "blue");
      for (int i = 0; i < outputs.length; i++) {
        float[] p = outputs[i].meanProbs();
        assertThat(argmax(p)).as("frame %d of %s: %s", i, name, java.util.Arrays.toString(p)).isEqualTo(i % 3);
        assertThat(p[i % 3]).isGreaterThan(0.9f);
        assertThat(p[0] + p[1] + p[2]).isCloseTo(1f, within(1e-4f));
        assertThat(outputs[i].hasMembers()).isFalse();
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {COLOUR_NCHW_LOGITS, COLOUR_NHWC_UINT8_BGR})
  void shouldAnswerTheSameAloneAndInABatch(String name) throws Exception {
    try (OnnxModel model = OnnxModel.load(TestModels.model(name), SessionSettings.defaults())) {
      InputSpec input = model.card().input();
      float[] frame = TestModels.solid(input, 120, 90, 30);

      float[] alone = model.run(List.of(frame))[0].meanProbs();
      float[] inBatch = model.run(List.of(TestModels.solid(input, 0, 0, 255), frame))[1].meanProbs();

      assertThat(inBatch).containsExactly(alone, within(1e-6f));
    }
  }

  /** The fixture can tell a packing mistake: the same red frame packed in RGB order reads as blue to a BGR model. */
  @org.junit.jupiter.api.Test
  void shouldReadRedAsBlueWhenABgrModelIsFedRgb() throws Exception {
    try (OnnxModel model = OnnxModel.load(TestModels.model(COLOUR_NHWC_UINT8_BGR), SessionSettings.defaults())) {
      InputSpec bgr = model.card().input();
      InputSpec rgb = new InputSpec(bgr.name(), bgr.layout(), 3, InputSpec.ColorOrder.RGB, bgr.width(), bgr.height(),
          bgr.resize(), bgr.padValue(), bgr.dtype(), bgr.scale(), bgr.mean(), bgr.std());

      ModelOutput[] outputs = model.run(List.of(TestModels.solid(rgb, 255, 0, 0)));

      assertThat(argmax(outputs[0].meanProbs())).isEqualTo(2);
    }
  }

  @org.junit.jupiter.api.Test
  void shouldTellDarkFromBrightWithAGreyModelWhoseBatchIsFixedAtOne() throws Exception {
    try (OnnxModel model = OnnxModel.load(TestModels.model(GREY_NCHW_LOGITS), SessionSettings.defaults())) {
      InputSpec input = model.card().input();

      // The graph's batch is fixed at 1: the three frames run one at a time.
      ModelOutput[] outputs = model.run(List.of(TestModels.solid(input, 20, 20, 20),
          TestModels.solid(input, 240, 240, 240), TestModels.solid(input, 30, 10, 0)));

      assertThat(model.graph().inputs().get("image").shape()).containsExactly(1, 1, 32, 32);
      assertThat(model.card().classNames()).containsExactly("dark", "bright");
      assertThat(outputs).extracting(o -> argmax(o.meanProbs())).containsExactly(0, 1, 0);
    }
  }

  @org.junit.jupiter.api.Test
  void shouldDescribeAGraphWithoutItsCard() throws Exception {
    var graph = io.labelstream.inference.InferenceToolkit.inspect(
        TestModels.folder(COLOUR_NHWC_UINT8_BGR).resolve(COLOUR_NHWC_UINT8_BGR + ".onnx"));

    assertThat(graph.inputs()).singleElement().satisfies(p -> {
      assertThat(p.name()).isEqualTo("pixels");
      assertThat(p.type()).isEqualTo("uint8");
      assertThat(p.shape()).containsExactly(-1, 120, 160, 3);
    });
    assertThat(graph.outputs()).singleElement().satisfies(p -> {
      assertThat(p.name()).isEqualTo("probabilities");
      assertThat(p.type()).isEqualTo("float");
      assertThat(p.shape()).containsExactly(-1, 3);
    });
  }

  static int argmax(float[] p) {
    int best = 0;
    for (int c = 1; c < p.length; c++) {
      best = p[c] > p[best] ? c : best;
    }
    return best;
  }
}
