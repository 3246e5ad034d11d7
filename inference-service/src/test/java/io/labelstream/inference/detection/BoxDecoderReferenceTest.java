package io.labelstream.inference.detection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.labelstream.inference.image.FramePlacement;
import io.labelstream.inference.model.InputSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each output format decoded in Java against the boxes torchvision and NumPy computed from the same raw tensors
 * (src/test/python/make_detection_fixtures.py): NMS, the letterbox or stretch inverse, clipping, the cut-offs.
 */
class BoxDecoderReferenceTest {

  static Stream<Arguments> cases() throws Exception {
    JsonNode root = new ObjectMapper().readTree(Path.of("src/test/resources/detection/decoding.json").toFile());
    List<Arguments> cases = new ArrayList<>();
    root.get("cases").forEach(c -> cases.add(Arguments.of(c.get("name").asText(), c)));
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void shouldDecodeTheSameBoxesAsTheReference(String name, JsonNode fixture) {
    JsonNode input = fixture.get("input");
    JsonNode frame = fixture.get("frame");
    FramePlacement placement = FramePlacement.of(
        InputSpec.Resize.valueOf(input.get("resize").asText().toUpperCase(Locale.ROOT)),
        frame.get("width").asInt(), frame.get("height").asInt(), input.get("width").asInt(),
        input.get("height").asInt());
    BoxDecoder decoder = new BoxDecoder(ReferenceFixtures.output(fixture.get("output")), fixture.get("classes").asInt(),
        input.get("width").asInt(), input.get("height").asInt());

    Detections found = decoder.decode(ReferenceFixtures.tensors(fixture.get("tensors")), placement);

    JsonNode expected = fixture.get("expected");
    ReferenceFixtures.assertSameBoxes("boxes", found.boxes(), expected.get("boxes"));
    ReferenceFixtures.assertSameBoxes("candidates", found.candidates(), expected.get("candidates"));
    double cut = fixture.get("output").get("scoreThreshold").asDouble();
    assertThat(found.frameScore(cut).score() / expected.get("frameScore").asDouble())
        .isCloseTo(1.0, within(1e-5));
  }
}
