package io.labelstream.inference.model;

import static io.labelstream.inference.model.TestModels.COLOUR_NCHW_LOGITS;
import static io.labelstream.inference.model.TestModels.COLOUR_NHWC_UINT8_BGR;
import static io.labelstream.inference.model.TestModels.GREY_NCHW_LOGITS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A card that does not describe its graph is refused when the model loads, with one message naming the card field
 * and what the graph has. Each case breaks one thing in a generated model's own card and loads it for real.
 */
class CardGraphCheckTest {

  static Stream<Arguments> mismatchedCards() {
    return Stream.of(
        Arguments.of(COLOUR_NCHW_LOGITS, "\"name\": \"image\"", "\"name\": \"input\"",
            "model card field 'input.name' is 'input' but the graph has no such input; its inputs are [image float "
                + "[-1,3,224,224]]"),
        Arguments.of(GREY_NCHW_LOGITS, "\"channels\": 1", "\"channels\": 3",
            "model card field 'input.channels' is 3 but the graph input 'image' has shape [1,1,32,32] "
                + "(NCHW: channels 1)"),
        Arguments.of(COLOUR_NCHW_LOGITS, "\"layout\": \"NCHW\"", "\"layout\": \"NHWC\"",
            "model card field 'input.channels' is 3 but the graph input 'image' has shape [-1,3,224,224] "
                + "(NHWC: channels 224)"),
        Arguments.of(COLOUR_NHWC_UINT8_BGR, "\"width\": 160", "\"width\": 120",
            "model card field 'input.width' is 120 but the graph input 'pixels' has shape [-1,120,160,3] "
                + "(NHWC: width 160)"),
        Arguments.of(COLOUR_NHWC_UINT8_BGR, "\"height\": 120", "\"height\": 160",
            "model card field 'input.height' is 160 but the graph input 'pixels' has shape [-1,120,160,3] "
                + "(NHWC: height 120)"),
        Arguments.of(COLOUR_NCHW_LOGITS, "\"dtype\": \"float32\"", "\"dtype\": \"uint8\"",
            "model card field 'input.scale' is set but 'input.dtype' is uint8"),
        Arguments.of(COLOUR_NHWC_UINT8_BGR, "\"dtype\": \"uint8\"", "\"dtype\": \"float32\"",
            "model card field 'input.dtype' is float32 but the graph input 'pixels' takes uint8 [-1,120,160,3]"),
        Arguments.of(COLOUR_NCHW_LOGITS, "\"green\",", "\"green\", \"yellow\",",
            "model card field 'classNames' lists 4 classes but the graph output 'logits' has shape [-1,3] "
                + "([N,C]: 3 classes)"),
        Arguments.of(COLOUR_NCHW_LOGITS, "\"name\": \"logits\"", "\"name\": \"probs\"",
            "model card field 'output.name' is 'probs' but the graph has no such output; its outputs are "
                + "[logits float [-1,3]]"),
        Arguments.of(COLOUR_NCHW_LOGITS, "\"kind\": \"logits\"", "\"kind\": \"logits\", \"members\": {\"name\": "
                + "\"logits\"}",
            "model card field 'output.members.name' names the graph output 'logits' of shape [-1,3]; expected rank 3 "
                + "[N,K,C]"));
  }

  @ParameterizedTest(name = "{2} instead of {1}")
  @MethodSource("mismatchedCards")
  void shouldRefuseACardThatDoesNotDescribeItsGraphNamingTheField(String model, String field, String wrong,
      String message, @TempDir Path dir) throws Exception {
    String card = TestModels.card(model);
    assertThat(card).contains(field);

    assertThatThrownBy(() -> OnnxModel.load(TestModels.withCard(model, card.replace(field, wrong), dir),
        SessionSettings.defaults()))
        .isInstanceOf(ModelCardException.class)
        .hasMessageContaining(message);
  }

  @Test
  void shouldRefuseAnInputOfTheWrongRank() {
    GraphSignature flat = graph(new GraphSignature.Port("image", "float", new long[] {-1, 784}));

    assertThatThrownBy(() -> CardGraphCheck.check(bundledStyleCard(), flat))
        .isInstanceOf(ModelCardException.class)
        .hasMessage("model card field 'input.layout' is NCHW (rank 4) but the graph input 'image' has shape [-1,784] "
            + "(rank 2)");
  }

  @Test
  void shouldRefuseAGraphWhoseScoresAreNotFloat() {
    GraphSignature graph = new GraphSignature(
        java.util.Map.of("image", new GraphSignature.Port("image", "float", new long[] {-1, 1, 28, 28})),
        java.util.Map.of("mean_probs", new GraphSignature.Port("mean_probs", "int64", new long[] {-1, 10}),
            "member_probs", new GraphSignature.Port("member_probs", "float", new long[] {-1, 5, 10})));

    assertThatThrownBy(() -> CardGraphCheck.check(bundledStyleCard(), graph))
        .isInstanceOf(ModelCardException.class)
        .hasMessageContaining("model card field 'output.name' names the graph output 'mean_probs', which is int64");
  }

  @Test
  void shouldAcceptSymbolicDimensionsAndReportAFixedBatch() throws Exception {
    GraphSignature symbolic = graph(new GraphSignature.Port("image", "float", new long[] {-1, -1, -1, -1}));
    GraphSignature fixedBatch = graph(new GraphSignature.Port("image", "float", new long[] {1, 1, 28, 28}));

    assertThat(CardGraphCheck.check(bundledStyleCard(), symbolic)).isEmpty();
    assertThat(CardGraphCheck.check(bundledStyleCard(), fixedBatch)).contains(1L);
  }

  private static GraphSignature graph(GraphSignature.Port input) {
    return new GraphSignature(java.util.Map.of(input.name(), input),
        java.util.Map.of("mean_probs", new GraphSignature.Port("mean_probs", "float", new long[] {-1, 10}),
            "member_probs", new GraphSignature.Port("member_probs", "float", new long[] {-1, 5, -1})));
  }

  private static ModelCard bundledStyleCard() {
    return new ModelCard("m", "1", InputSpec.rawGrey("image", 28, 28), OutputSpec.bundledEnsemble(),
        java.util.stream.IntStream.range(0, 10).mapToObj(c -> "class " + c).toList(), java.util.List.of());
  }
}
