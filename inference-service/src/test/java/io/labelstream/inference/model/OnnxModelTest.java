package io.labelstream.inference.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.labelstream.inference.Samples;
import io.labelstream.inference.image.FrameDecoder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The bundled ONNX model, run for real by ONNX Runtime on the bundled sample images. */
class OnnxModelTest {

  private static OnnxModel model;
  private static final FrameDecoder DECODER = new FrameDecoder(InputSpec.rawGrey("image", 28, 28));

  @BeforeAll
  static void load() throws Exception {
    model = OnnxModel.load(Optional.empty(), 0);
  }

  @AfterAll
  static void close() throws Exception {
    model.close();
  }

  @Test
  void shouldDescribeItselfWithTheFashionMnistClasses() {
    assertThat(model.card().classNames()).containsExactly("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
        "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
    assertThat(model.pixelsPerFrame()).isEqualTo(784);
  }

  @Test
  void shouldClassifyTheSampleImagesAboutAsWellAsItsCardSays() throws Exception {
    List<float[]> batch = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      batch.add(DECODER.decode(Samples.png(i)));
    }

    ModelOutput[] outputs = model.run(batch);

    int correct = 0;
    for (int i = 0; i < outputs.length; i++) {
      float[] p = outputs[i].meanProbs();
      int best = 0;
      for (int c = 1; c < p.length; c++) {
        best = p[c] > p[best] ? c : best;
      }
      correct += best == Samples.trueClass(i) ? 1 : 0;
      double sum = 0;
      for (float v : p) {
        sum += v;
      }
      assertThat(sum).isCloseTo(1.0, within(1e-3));
      assertThat(outputs[i].memberProbs().length).isGreaterThanOrEqualTo(5);
    }
    assertThat(correct / 300.0).isGreaterThan(0.85);
  }

  @Test
  void shouldGiveTheSameAnswerForAFrameAloneAndInABatch() throws Exception {
    float[] frame = DECODER.decode(Samples.png(7));
    List<float[]> batch = List.of(DECODER.decode(Samples.png(3)), frame, DECODER.decode(Samples.png(9)));

    float[] alone = model.run(List.of(frame))[0].meanProbs();
    float[] inBatch = model.run(batch)[1].meanProbs();

    for (int c = 0; c < alone.length; c++) {
      assertThat(inBatch[c]).isCloseTo(alone[c], within(1e-5f));
    }
  }
}
