package io.labelstream.platform.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class DetectionReplayTest {

  private static final String TRUTH = "\"truth\":[{\"classIndex\":8,\"x\":10,\"y\":20,\"w\":100,\"h\":80}]";

  private static String scene(int i, String candidates) {
    return "{\"scene\":" + i + ",\"width\":640,\"height\":480," + TRUTH + ",\"candidates\":[" + candidates + "]}";
  }

  private static String box(int classIndex, double x, double score) {
    return "{\"classIndex\":" + classIndex + ",\"x\":" + x + ",\"y\":20,\"w\":100,\"h\":80,\"score\":" + score
        + ",\"scores\":[]}";
  }

  private static List<DetectionReplay.Frame> read(double scoreThreshold, String... lines) throws IOException {
    return new DetectionReplay(scoreThreshold, OptionalDouble.empty())
        .read(String.join("\n", lines).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void shouldJudgeTheBoxesAtOrAboveTheCardsScoreThresholdAndScoreEveryCandidateAboveTheFloor() throws IOException {
    List<DetectionReplay.Frame> frames = read(0.25,
        scene(0, box(8, 12, 0.9) + "," + box(3, 300, 0.2) + "," + box(3, 400, 0.02)),
        scene(1, box(8, 12, 0.9) + "," + box(3, 300, 0.3)),
        scene(2, box(7, 12, 0.9)),
        scene(3, box(8, 200, 0.9)),
        "",
        scene(4, ""));

    assertThat(frames).extracting(DetectionReplay.Frame::scene).containsExactly(0, 1, 2, 3, 4);
    // Exact: the box below the cut-off is not the model's; an extra box, a wrong class, a miss, or nothing are not.
    assertThat(frames).extracting(DetectionReplay.Frame::exact).containsExactly(true, false, false, false, false);
    // The 0.02 candidate is below the frame score's floor: only 0.9 (kept) and 0.2 (dropped) are weighed, each by
    // how sure its decision at the cut-off 0.25 is.
    assertThat(frames.get(0).score()).isCloseTo((0.5 + 0.5 * 0.65 / 0.75) * (0.5 + 0.5 * 0.05 / 0.25), within(1e-6));
    assertThat(frames.get(4).score()).isEqualTo(1.0);
  }

  @Test
  void shouldWeighEachKeptCandidatesClassCertaintyWhereTheLineStatesIt() throws IOException {
    String certain = box(8, 12, 0.9).replace("\"scores\"", "\"classCertainty\":0.8,\"scores\"");
    String doubtful = box(3, 300, 0.2).replace("\"scores\"", "\"classCertainty\":0.5,\"scores\"");

    List<DetectionReplay.Frame> frames = read(0.25, scene(0, certain + "," + doubtful));

    // the kept box's class certainty counts; the dropped box's class is never written, so its certainty does not
    assertThat(frames.get(0).score())
        .isCloseTo((0.5 + 0.5 * 0.65 / 0.75) * 0.8 * (0.5 + 0.5 * 0.05 / 0.25), within(1e-6));
    assertThatThrownBy(() -> read(0.25, scene(0, certain.replace("0.8", "0"))))
        .isInstanceOf(IOException.class).hasMessageContaining("classCertainty");
  }

  @Test
  void shouldTakeTheCutOffFromTheCard() throws IOException {
    String line = scene(0, box(8, 12, 0.9) + "," + box(3, 300, 0.3));
    DetectionReplay strict = DetectionReplay.of(new ObjectMapper().readTree(
        "{\"output\":{\"scoreThreshold\":0.35},\"frameExactnessTarget\":0.95}"));
    DetectionReplay lenient = DetectionReplay.of(new ObjectMapper().readTree("{\"output\":{}}"));

    assertThat(strict.read(line.getBytes(StandardCharsets.UTF_8)).get(0).exact()).isTrue();
    assertThat(strict.frameExactnessTarget()).hasValue(0.95);
    assertThat(lenient.scoreThreshold()).isEqualTo(DetectionReplay.DEFAULT_SCORE_THRESHOLD);
    assertThat(lenient.read(line.getBytes(StandardCharsets.UTF_8)).get(0).exact()).isFalse();
    assertThat(lenient.frameExactnessTarget()).isEmpty();
  }

  @Test
  void shouldNameTheLineThatIsNotAScene() {
    assertThatThrownBy(() -> read(0.25, scene(0, ""), "{\"scene\":1,\"truth\":[]}"))
        .isInstanceOf(IOException.class).hasMessageContaining("line 2").hasMessageContaining("candidates");
    assertThatThrownBy(() -> read(0.25, scene(0, "{\"classIndex\":1,\"x\":1,\"y\":1,\"w\":1,\"h\":1}")))
        .isInstanceOf(IOException.class).hasMessageContaining("line 1").hasMessageContaining("score");
    assertThatThrownBy(() -> DetectionReplay.of(new ObjectMapper().readTree("{\"output\":{\"scoreThreshold\":2}}")))
        .isInstanceOf(IOException.class).hasMessageContaining("scoreThreshold");
  }
}
