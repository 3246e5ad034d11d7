package io.labelstream.inference.model;

import static io.labelstream.inference.model.TestModels.COLOUR_NCHW_LOGITS;
import static io.labelstream.inference.model.TestModels.COLOUR_NHWC_UINT8_BGR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labelstream.platform.model.ModelFolder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelCardTest {

  @Test
  void shouldReadTheBundledVersion1CardAsRawGreyAndTheEnsemblesOutputs() throws Exception {
    ModelCard card = ModelCard.read(ModelFolder.bundled());

    assertThat(card.name()).isEqualTo("fashion-mnist-ensemble");
    assertThat(card.input()).isEqualTo(InputSpec.rawGrey("image", 28, 28));
    assertThat(card.output()).isEqualTo(new OutputSpec("mean_probs", OutputSpec.Kind.PROBABILITIES, "member_probs"));
    assertThat(card.classNames()).hasSize(10).startsWith("T-shirt/top");
    assertThat(card.flipsHorizontally()).isFalse();
  }

  @Test
  void shouldReadAVersion2CardOfATorchvisionStyleModel() throws Exception {
    ModelCard card = ModelCard.read(TestModels.model(COLOUR_NCHW_LOGITS));

    InputSpec input = card.input();
    assertThat(input.layout()).isEqualTo(InputSpec.Layout.NCHW);
    assertThat(input.channels()).isEqualTo(3);
    assertThat(input.colorOrder()).isEqualTo(InputSpec.ColorOrder.RGB);
    assertThat(input.dtype()).isEqualTo(InputSpec.DType.FLOAT32);
    assertThat(input.scale()).isEqualTo(1f / 255f);
    assertThat(input.mean()).containsExactly(0.485f, 0.456f, 0.406f);
    assertThat(input.std()).containsExactly(0.229f, 0.224f, 0.225f);
    assertThat(input.resize()).isEqualTo(InputSpec.Resize.STRETCH);
    assertThat(card.output()).isEqualTo(new OutputSpec("logits", OutputSpec.Kind.LOGITS, null));
    assertThat(card.classNames()).containsExactly("red", "green", "blue");
  }

  @Test
  void shouldReadAUint8BgrCardWithItsClassesInALabelsFile() throws Exception {
    ModelCard card = ModelCard.read(TestModels.model(COLOUR_NHWC_UINT8_BGR));

    assertThat(card.input()).isEqualTo(new InputSpec("pixels", InputSpec.Layout.NHWC, 3, InputSpec.ColorOrder.BGR,
        160, 120, InputSpec.Resize.LETTERBOX, 114, InputSpec.DType.UINT8, 1f, new float[] {0, 0, 0},
        new float[] {1, 1, 1}));
    assertThat(card.output().kind()).isEqualTo(OutputSpec.Kind.PROBABILITIES);
    assertThat(card.classNames()).containsExactly("red", "green", "blue");
  }

  @Test
  void shouldReadHorizontalFlipTestTimeAugmentation(@TempDir Path dir) throws Exception {
    ModelCard card = read(dir, TestModels.card(COLOUR_NCHW_LOGITS).replace("\"task\": \"classification\",",
        "\"task\": \"classification\", \"testTimeAugmentation\": [\"horizontal-flip\"],"));

    assertThat(card.flipsHorizontally()).isTrue();
  }

  @Test
  void shouldNameTheFieldOfAnInvalidValue(@TempDir Path dir) throws Exception {
    String card = TestModels.card(COLOUR_NCHW_LOGITS);

    assertRefused(dir.resolve("a"), card.replace("\"NCHW\"", "\"NCWH\""),
        "model card field 'input.layout' is 'NCWH'; expected NCHW or NHWC");
    assertRefused(dir.resolve("b"), card.replace("\"stretch\"", "\"squash\""),
        "model card field 'input.resize' is 'squash'; expected stretch, letterbox or center-crop");
    assertRefused(dir.resolve("c"), card.replace("\"kind\": \"logits\"", "\"kind\": \"scores\""),
        "model card field 'output.kind' is 'scores'; expected probabilities or logits");
    assertRefused(dir.resolve("d"), card.replace("\"channels\": 3", "\"channels\": 4"),
        "model card field 'input.channels' is 4; expected 1 or 3");
    assertRefused(dir.resolve("e"), card.replace("\"width\": 224", "\"width\": 0"),
        "model card field 'input.width' is 0; expected 1 to 8192");
    assertRefused(dir.resolve("f"), card.replace("0.229,", "0.0,"),
        "model card field 'input.std' is [0.0, 0.224, 0.225]; every value must be a non-zero number");
    assertRefused(dir.resolve("g"), card.replace("\"task\": \"classification\",",
        "\"task\": \"classification\", \"testTimeAugmentation\": [\"rotate\"],"),
        "model card field 'testTimeAugmentation' lists 'rotate'; expected horizontal-flip");
    assertRefused(dir.resolve("h"), card.replace("\"output\"", "\"outputs\""), "model card lacks the field 'output'");
    assertRefused(dir.resolve("i"), card.replace("\"layout\": \"NCHW\",", ""),
        "model card lacks the field 'input.layout'; expected NCHW or NHWC");
  }

  private static ModelCard read(Path dir, String card) throws Exception {
    Files.createDirectories(dir);
    return ModelCard.read(TestModels.withCard(COLOUR_NCHW_LOGITS, card, dir));
  }

  private static void assertRefused(Path dir, String card, String message) {
    assertThatThrownBy(() -> read(dir, card)).isInstanceOf(ModelCardException.class).hasMessageContaining(message);
  }
}
