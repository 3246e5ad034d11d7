package io.labelstream.review.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelstream.schemas.avro.Label;
import io.labelstream.schemas.avro.LabelSource;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonlWriterTest {

  static final Label MODEL = Label.newBuilder().setFrameId("f-1").setLabel("Bag").setClassIndex(8)
      .setSource(LabelSource.MODEL).setConfidence(0.9875).setModelName("fashion-mnist-ensemble").setModelVersion("1.0.0")
      .setLabelledAt(Instant.parse("2026-11-26T08:15:30.120Z")).build();
  static final Label HUMAN = Label.newBuilder().setFrameId("f-2").setLabel("T-shirt/top").setClassIndex(0)
      .setSource(LabelSource.HUMAN).setReviewerIds(List.of("ada", "bob")).setTaskId("low-confidence-f-2")
      .setLabelledAt(Instant.parse("2026-11-26T08:16:00Z")).build();

  @Test
  void shouldWriteTheTenFieldsInOrderWithNullsAndOneLineEach() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    JsonlWriter writer = new JsonlWriter(out);

    writer.write(MODEL);
    writer.write(HUMAN);
    writer.flush();

    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(
        "{\"frameId\":\"f-1\",\"label\":\"Bag\",\"classIndex\":8,\"source\":\"MODEL\",\"confidence\":0.9875,"
            + "\"modelName\":\"fashion-mnist-ensemble\",\"modelVersion\":\"1.0.0\",\"reviewerIds\":[],\"taskId\":null,"
            + "\"labelledAt\":\"2026-11-26T08:15:30.120Z\"}\n"
            + "{\"frameId\":\"f-2\",\"label\":\"T-shirt/top\",\"classIndex\":0,\"source\":\"HUMAN\",\"confidence\":null,"
            + "\"modelName\":null,\"modelVersion\":null,\"reviewerIds\":[\"ada\",\"bob\"],\"taskId\":\"low-confidence-f-2\","
            + "\"labelledAt\":\"2026-11-26T08:16:00Z\"}\n");
  }

  @Test
  void shouldAddTheFrameSizeAndBoxesToADetectionLabelOnly() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    JsonlWriter writer = new JsonlWriter(out);

    writer.write(YoloLabelsTest.DETECTION);
    writer.write(Label.newBuilder(YoloLabelsTest.DETECTION).setBoxes(List.of()).build());
    writer.flush();

    assertThat(out.toString(StandardCharsets.UTF_8).lines()).containsExactly(
        "{\"frameId\":\"scene-1\",\"label\":\"\",\"classIndex\":-1,\"source\":\"MODEL\",\"confidence\":0.96,"
            + "\"modelName\":\"fashion-detector\",\"modelVersion\":\"1.0.0\",\"reviewerIds\":[],\"taskId\":null,"
            + "\"labelledAt\":\"2026-12-02T10:00:00Z\",\"width\":640,\"height\":480,\"boxes\":["
            + "{\"label\":\"Bag\",\"classIndex\":8,\"x\":12.0,\"y\":40.5,\"w\":96.0,\"h\":80.0,\"confidence\":0.91},"
            + "{\"label\":\"Coat\",\"classIndex\":4,\"x\":600.0,\"y\":-1.0,\"w\":50.0,\"h\":200.0,\"confidence\":null}]}",
        "{\"frameId\":\"scene-1\",\"label\":\"\",\"classIndex\":-1,\"source\":\"MODEL\",\"confidence\":0.96,"
            + "\"modelName\":\"fashion-detector\",\"modelVersion\":\"1.0.0\",\"reviewerIds\":[],\"taskId\":null,"
            + "\"labelledAt\":\"2026-12-02T10:00:00Z\",\"width\":640,\"height\":480,\"boxes\":[]}");
  }

  @Test
  void shouldEscapeWhatAFleetPutsInAFrameId() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    JsonlWriter writer = new JsonlWriter(out);

    writer.write(Label.newBuilder(MODEL).setFrameId("a\"b\nc").build());
    writer.flush();

    String line = out.toString(StandardCharsets.UTF_8);
    assertThat(line).startsWith("{\"frameId\":\"a\\\"b\\nc\",").endsWith("}\n");
    assertThat(line.chars().filter(c -> c == '\n').count()).isEqualTo(1);
  }
}
