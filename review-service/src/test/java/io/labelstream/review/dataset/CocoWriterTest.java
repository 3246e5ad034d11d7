package io.labelstream.review.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.labelstream.schemas.avro.DatasetSnapshot;
import io.labelstream.schemas.avro.Label;
import io.labelstream.schemas.avro.LabelSource;
import io.labelstream.schemas.avro.PartitionOffset;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CocoWriterTest {

  static DatasetSnapshot snapshot(List<String> classes, long total) {
    return DatasetSnapshot.newBuilder().setDatasetId("ds-20261126T081530Z-0a1b2c3d").setFormatVersion(1)
        .setCreatedAt(Instant.parse("2026-11-26T08:15:30.123Z")).setCreatedBy("root")
        .setLabelOffsets(List.of(new PartitionOffset(0, 10L), new PartitionOffset(1, 7L))).setTotal(total)
        .setCountsByClass(Map.of()).setCountsBySource(Map.of()).setClasses(classes).setContentSha256("ab")
        .setContentPartition(0).setContentStartOffset(0).setContentEndOffset(total).build();
  }

  @Test
  void shouldWriteCategoriesImagesAndOneAnnotationPerImage() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CocoWriter coco = new CocoWriter(out);

    coco.begin(snapshot(List.of("T-shirt/top", "Bag"), 2));
    coco.image(1, JsonlWriterTest.MODEL);
    coco.image(2, JsonlWriterTest.HUMAN);
    coco.beginAnnotations();
    coco.annotations(1, JsonlWriterTest.MODEL);
    coco.annotations(2, JsonlWriterTest.HUMAN);
    coco.end();

    JsonNode json = new ObjectMapper().readTree(out.toByteArray());
    assertThat(json.get("info").get("dataset_id").asText()).isEqualTo("ds-20261126T081530Z-0a1b2c3d");
    assertThat(json.get("info").get("year").asInt()).isEqualTo(2026);
    assertThat(json.get("info").get("label_offsets").get(1).get("offset").asLong()).isEqualTo(7);
    assertThat(json.get("categories").toString()).isEqualTo("[{\"id\":0,\"name\":\"T-shirt/top\"},{\"id\":1,\"name\":\"Bag\"}]");
    assertThat(json.get("images")).hasSize(2);
    assertThat(json.get("images").get(0).get("file_name").asText()).isEqualTo("f-1");
    assertThat(json.get("images").get(0).get("width").isNull()).isTrue();
    JsonNode first = json.get("annotations").get(0);
    assertThat(first.get("image_id").asLong()).isEqualTo(1);
    assertThat(first.get("category_id").asInt()).isEqualTo(1);
    assertThat(first.get("source").asText()).isEqualTo("MODEL");
    assertThat(first.get("confidence").asDouble()).isEqualTo(0.9875);
    JsonNode second = json.get("annotations").get(1);
    assertThat(second.get("category_id").asInt()).isZero();
    assertThat(second.get("reviewer_ids").toString()).isEqualTo("[\"ada\",\"bob\"]");
    assertThat(second.get("labelled_at").asText()).isEqualTo("2026-11-26T08:16:00Z");
  }

  /**
   * A classification export's bytes, pinned: the hash was taken from the writers as they were before detection
   * exports shared their code (commit b87eab1), so a change to the classification COCO or JSONL bytes fails here.
   */
  @Test
  void shouldWriteClassificationBytesExactlyAsBeforeDetectionExports() throws Exception {
    DatasetSnapshot snapshot = DatasetSnapshot.newBuilder().setDatasetId("ds-x").setFormatVersion(1)
        .setCreatedAt(Instant.parse("2026-11-26T08:15:30.123Z")).setCreatedBy("root")
        .setLabelOffsets(List.of(new PartitionOffset(0, 10L))).setTotal(2).setCountsByClass(Map.of())
        .setCountsBySource(Map.of()).setClasses(List.of("T-shirt/top", "Bag")).setContentSha256("ab")
        .setContentPartition(0).setContentStartOffset(0).setContentEndOffset(2).build();
    Label a = Label.newBuilder().setFrameId("f-1").setLabel("Bag").setClassIndex(1).setSource(LabelSource.MODEL)
        .setConfidence(0.9875).setModelName("m").setModelVersion("1")
        .setLabelledAt(Instant.parse("2026-11-26T08:15:30.120Z")).build();
    Label b = Label.newBuilder().setFrameId("f/2").setLabel("T-shirt/top").setClassIndex(0).setSource(LabelSource.HUMAN)
        .setReviewerIds(List.of("ada")).setTaskId("t").setLabelledAt(Instant.parse("2026-11-26T08:16:00Z")).build();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CocoWriter coco = new CocoWriter(out);
    coco.begin(snapshot);
    coco.image(1, a);
    coco.image(2, b);
    coco.beginAnnotations();
    coco.annotations(1, a);
    coco.annotations(2, b);
    coco.end();
    JsonlWriter jsonl = new JsonlWriter(out);
    jsonl.write(a);
    jsonl.write(b);
    jsonl.flush();

    assertThat(out.size()).isEqualTo(1260);
    assertThat(DatasetFixtures.sha256(out.toByteArray()))
        .isEqualTo("97ee952cf63a13fe17d491f4da07a3e7624366f0c8dde70eb4bb8e6055440545");
  }

  @Test
  void shouldRefuseALabelOutsideTheSnapshotsClasses() throws Exception {
    CocoWriter coco = new CocoWriter(new ByteArrayOutputStream());
    coco.begin(snapshot(List.of("Coat", "Bag"), 1));
    coco.beginAnnotations();

    assertThatThrownBy(() -> coco.annotations(1, JsonlWriterTest.HUMAN)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("T-shirt/top");
  }
}
