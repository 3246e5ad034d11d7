package io.labelstream.review.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.labelstream.schemas.avro.Box;
import io.labelstream.schemas.avro.ImageRef;
import io.labelstream.schemas.avro.Label;
import io.labelstream.schemas.avro.LabelSource;
import java.io.ByteArrayOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class CocoDetectionWriterTest {

  private static final List<String> CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal",
      "Shirt", "Sneaker", "Bag", "Ankle boot");
  private static final ImageRef JPEG = ImageRef.newBuilder().setStore("file:///frames").setKey("sha256/ab/cd").setSize(100).setSha256("ab")
      .setContentType("image/jpeg").build();

  @Test
  void shouldWriteImagesWithSizesAndOneAnnotationPerBoxNumberedAcrossTheSnapshot() throws Exception {
    Label model = Label.newBuilder(YoloLabelsTest.DETECTION).setImageRef(JPEG).build();
    Label human = Label.newBuilder(YoloLabelsTest.DETECTION).setFrameId("scene-2").setSource(LabelSource.HUMAN)
        .setConfidence(null).setModelName(null).setModelVersion(null).setReviewerIds(List.of("ada"))
        .setTaskId("audit-scene-2").setBoxes(List.of(new Box("Bag", 8, 1f, 2f, 3f, 4f, 0.5f))).build();
    Label empty = Label.newBuilder(YoloLabelsTest.DETECTION).setFrameId("scene-3").setBoxes(List.of()).build();
    JsonNode json = write(model, human, empty);

    assertThat(json.get("categories")).hasSize(10);
    assertThat(json.get("categories").get(8).toString()).isEqualTo("{\"id\":8,\"name\":\"Bag\"}");
    JsonNode image = json.get("images").get(0);
    assertThat(image.get("id").asLong()).isEqualTo(1);
    assertThat(image.get("file_name").asText()).as("as in the yolo export's images/").isEqualTo("scene-1.jpg");
    assertThat(image.get("width").asInt()).isEqualTo(640);
    assertThat(image.get("height").asInt()).isEqualTo(480);
    assertThat(image.get("labelstream").get("frameId").asText()).isEqualTo("scene-1");
    assertThat(image.get("labelstream").get("source").asText()).isEqualTo("MODEL");
    assertThat(image.get("labelstream").get("modelVersion").asText()).isEqualTo("1.0.0");
    assertThat(json.get("images").get(1).get("file_name").asText()).as("no stored image: no extension")
        .isEqualTo("scene-2");
    assertThat(json.get("images").get(1).get("labelstream").get("reviewerIds").toString()).isEqualTo("[\"ada\"]");

    JsonNode annotations = json.get("annotations");
    assertThat(annotations).as("2 + 1 + 0 boxes").hasSize(3);
    assertThat(annotations.get(0).toString()).isEqualTo("{\"id\":1,\"image_id\":1,\"category_id\":8,"
        + "\"bbox\":[12.0,40.5,96.0,80.0],\"area\":7680.0,\"iscrowd\":0,\"score\":0.91}");
    assertThat(annotations.get(1).get("category_id").asInt()).isEqualTo(4);
    assertThat(annotations.get(1).has("score")).as("a box people drew has no score").isFalse();
    assertThat(annotations.get(2).get("id").asLong()).isEqualTo(3);
    assertThat(annotations.get(2).get("image_id").asLong()).isEqualTo(2);
    assertThat(annotations.get(2).has("score")).as("a people-labelled image never looks like model output").isFalse();
  }

  @Test
  void shouldRefuseABoxOutsideTheSnapshotsClasses() throws Exception {
    CocoDetectionWriter coco = new CocoDetectionWriter(new ByteArrayOutputStream());
    coco.begin(CocoWriterTest.snapshot(List.of("Bag"), 1));
    coco.beginAnnotations();

    assertThatThrownBy(() -> coco.annotations(1, YoloLabelsTest.DETECTION)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Coat");
  }

  private static JsonNode write(Label... labels) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CocoDetectionWriter coco = new CocoDetectionWriter(out);
    coco.begin(CocoWriterTest.snapshot(CLASSES, labels.length));
    for (int i = 0; i < labels.length; i++) {
      coco.image(i + 1, labels[i]);
    }
    coco.beginAnnotations();
    for (int i = 0; i < labels.length; i++) {
      coco.annotations(i + 1, labels[i]);
    }
    coco.end();
    JsonNode json = new ObjectMapper().readTree(out.toByteArray());
    CocoCheck.detection(json);
    return json;
  }
}
