package io.labelstream.review.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelstream.schemas.avro.Box;
import io.labelstream.schemas.avro.DatasetSnapshot;
import io.labelstream.schemas.avro.Label;
import io.labelstream.schemas.avro.LabelSource;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class YoloLabelsTest {

  /** A 640x480 frame: a Bag inside it, a Coat running past the right and top edges (a reviewer's, no confidence). */
  static final Label DETECTION = Label.newBuilder().setFrameId("scene-1").setLabel("").setClassIndex(-1)
      .setSource(LabelSource.MODEL).setConfidence(0.96).setModelName("fashion-detector").setModelVersion("1.0.0")
      .setLabelledAt(Instant.parse("2026-12-02T10:00:00Z")).setWidth(640).setHeight(480)
      .setBoxes(List.of(new Box("Bag", 8, 12f, 40.5f, 96f, 80f, 0.91f), new Box("Coat", 4, 600f, -1f, 50f, 200f, null)))
      .build();

  @Test
  void shouldWriteCentreAndSizeAsFractionsOfTheFrameWithSixDecimals() {
    String lines = YoloLabels.lines(DETECTION.getBoxes(), 640, 480, Box::getClassIndex);

    // Bag: centre (12 + 48, 40.5 + 40) = (60, 80.5), size 96 x 80. Coat clipped to x 600-640, y 0-199.
    assertThat(lines).isEqualTo("8 0.093750 0.167708 0.150000 0.166667\n"
        + "4 0.968750 0.207292 0.062500 0.414583\n");
  }

  @Test
  void shouldUseTheClassNumberItIsGivenNotTheBoxesIndex() {
    assertThat(YoloLabels.lines(DETECTION.getBoxes().subList(0, 1), 640, 480, box -> 2)).startsWith("2 ");
  }

  @Test
  void shouldWriteNothingForAnEmptyFrameAndLeaveOutABoxWithNoAreaInsideTheFrame() {
    assertThat(YoloLabels.lines(List.of(), 640, 480, Box::getClassIndex)).isEmpty();
    Box outside = new Box("Bag", 8, 700f, 10f, 20f, 20f, 0.5f);
    assertThat(YoloLabels.lines(List.of(outside), 640, 480, Box::getClassIndex)).isEmpty();
  }

  @Test
  void shouldNameEveryClassByItsIdInDataYamlAsQuotedStrings() {
    DatasetSnapshot snapshot = DatasetSnapshot.newBuilder(CocoWriterTest.snapshot(List.of("T-shirt/top", "Bag",
            "say \"hi\": x"), 3)).setCountsByClass(Map.of()).build();

    assertThat(YoloLabels.dataYaml(snapshot)).endsWith("""
        path: "ds-20261126T081530Z-0a1b2c3d"
        train: images
        val: images
        nc: 3
        names:
          0: "T-shirt/top"
          1: "Bag"
          2: "say \\"hi\\": x"
        """);
  }
}
