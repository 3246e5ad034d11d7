package io.labelstream.inference.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelstream.inference.image.ReferenceTensors.Variant;
import io.labelstream.inference.model.InputSpec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every card input variant (NCHW/NHWC, RGB/BGR, grey, float32/uint8, stretch/letterbox/center-crop) against the
 * tensor an independent NumPy implementation of the documented preprocessing computes on the same lossless PNG
 * (colour and grey, 8 and 16 bits, shrunk and enlarged, wide and tall): within 1e-4 everywhere.
 */
class FrameDecoderReferenceTest {

  static final float TOLERANCE = 1e-4f;

  static Stream<Arguments> picturesAndVariants() {
    List<Arguments> cases = new ArrayList<>();
    for (String picture : ReferenceTensors.PICTURES) {
      for (Variant variant : ReferenceTensors.variants()) {
        cases.add(Arguments.of(picture, variant));
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} as {1}")
  @MethodSource("picturesAndVariants")
  void shouldFeedTheModelWhatTheNumPyReferenceComputes(String picture, Variant variant) throws IOException {
    float[] expected = ReferenceTensors.tensor(picture, variant);

    float[] tensor = new FrameDecoder(variant.input()).decode(ReferenceTensors.png(picture));

    assertThat(tensor).hasSize(variant.input().valuesPerImage()).hasSameSizeAs(expected);
    if (variant.input().dtype() == InputSpec.DType.FLOAT32) {
      for (int i = 0; i < expected.length; i++) {
        assertThat(tensor[i]).as("value %d", i).isCloseTo(expected[i], org.assertj.core.data.Offset.offset(TOLERANCE));
      }
      return;
    }
    // uint8: the reference is kept before rounding; the decoder feeds floor(p + 0.5). Ties (x.5, frequent in area
    // averages of whole numbers) come out exactly in both, so the rounded values must be equal.
    for (int i = 0; i < expected.length; i++) {
      assertThat(tensor[i]).as("value %d (reference %s before rounding)", i, expected[i])
          .isEqualTo((float) Math.floor(expected[i] + 0.5));
    }
  }
}
