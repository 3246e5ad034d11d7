package io.labelstream.review.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.labelstream.platform.http.ApiException;
import io.labelstream.schemas.avro.Box;
import java.util.List;
import org.junit.jupiter.api.Test;

class SubmittedBoxesTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> CLASSES = List.of("Bag", "Coat", "Sneaker");

  @Test
  void shouldReadBoxesInFramePixelsWithTheirClassIndexAndNoConfidence() throws Exception {
    List<Box> boxes = read("[{\"label\": \"Coat\", \"x\": 12, \"y\": 40.5, \"w\": 96, \"h\": 80, \"confidence\": 0.9}]");

    assertThat(boxes).hasSize(1);
    Box box = boxes.get(0);
    assertThat(box.getLabel()).isEqualTo("Coat");
    assertThat(box.getClassIndex()).isEqualTo(1);
    assertThat(List.of(box.getX(), box.getY(), box.getW(), box.getH())).containsExactly(12f, 40.5f, 96f, 80f);
    assertThat(box.getConfidence()).as("a person's box has no score, whatever the page sent").isNull();
  }

  @Test
  void shouldTakeAnEmptyListAsAFrameWithNothingToLabel() throws Exception {
    assertThat(read("[]")).isEmpty();
  }

  @Test
  void shouldClipABoxReachingPastTheFrameByAtMostOnePixel() throws Exception {
    Box box = read("[{\"label\": \"Bag\", \"x\": -1, \"y\": 470, \"w\": 641, \"h\": 11}]").get(0);

    assertThat(List.of(box.getX(), box.getY(), box.getW(), box.getH())).containsExactly(0f, 470f, 640f, 10f);
  }

  @Test
  void shouldRefuseABoxReachingPastTheFrameByMoreThanOnePixel() {
    assertRefused("[{\"label\": \"Bag\", \"x\": -1.5, \"y\": 0, \"w\": 20, \"h\": 20}]", "box_outside_frame");
    assertRefused("[{\"label\": \"Bag\", \"x\": 600, \"y\": 0, \"w\": 41.5, \"h\": 20}]", "box_outside_frame");
    assertRefused("[{\"label\": \"Bag\", \"x\": 0, \"y\": 470, \"w\": 20, \"h\": 12}]", "box_outside_frame");
  }

  @Test
  void shouldRefuseABoxUnderTwoPixelsASideBeforeOrAfterClipping() {
    assertRefused("[{\"label\": \"Bag\", \"x\": 10, \"y\": 10, \"w\": 1.9, \"h\": 20}]", "box_too_small");
    assertRefused("[{\"label\": \"Bag\", \"x\": 10, \"y\": 10, \"w\": 20, \"h\": -5}]", "box_too_small");
    // 2.5 px wide, of which 1 px lies left of the frame: 1.5 px remain.
    assertRefused("[{\"label\": \"Bag\", \"x\": -1, \"y\": 10, \"w\": 2.5, \"h\": 20}]", "box_too_small");
  }

  @Test
  void shouldRefuseAClassTheCardDoesNotName() {
    assertRefused("[{\"label\": \"Spaceship\", \"x\": 1, \"y\": 1, \"w\": 20, \"h\": 20}]", "unknown_class");
  }

  @Test
  void shouldRefuseBoxesThatAreNotObjectsWithFiniteNumbers() {
    assertRefused("{\"label\": \"Bag\"}", "invalid_box");
    assertRefused("[\"Bag\"]", "invalid_box");
    assertRefused("[{\"label\": \"Bag\", \"x\": \"1\", \"y\": 1, \"w\": 20, \"h\": 20}]", "invalid_box");
    assertRefused("[{\"label\": \"Bag\", \"y\": 1, \"w\": 20, \"h\": 20}]", "invalid_box");
    assertRefused("[{\"x\": 1, \"y\": 1, \"w\": 20, \"h\": 20}]", "invalid_box");
    assertRefused("[{\"label\": \"Bag\", \"x\": 1e300, \"y\": 1, \"w\": 20, \"h\": 20}]", "invalid_box");
  }

  @Test
  void shouldRefuseMoreThanFiveHundredBoxes() throws Exception {
    String box = "{\"label\": \"Bag\", \"x\": 1, \"y\": 1, \"w\": 20, \"h\": 20}";
    assertThat(read("[" + String.join(",", java.util.Collections.nCopies(500, box)) + "]")).hasSize(500);
    assertRefused("[" + String.join(",", java.util.Collections.nCopies(501, box)) + "]", "too_many_boxes");
  }

  @Test
  void shouldCheckEverythingButTheFrameWhenItsSizeIsNotKnown() throws Exception {
    JsonNode far = JSON.readTree("[{\"label\": \"Bag\", \"x\": 5000, \"y\": 1, \"w\": 20, \"h\": 20}]");
    assertThat(SubmittedBoxes.read(far, CLASSES, null, null)).hasSize(1);
    assertThat(SubmittedBoxes.fit(SubmittedBoxes.read(far, CLASSES, null, null), 640, 480)).isFalse();
  }

  private static List<Box> read(String boxes) throws Exception {
    return SubmittedBoxes.read(JSON.readTree(boxes), CLASSES, 640, 480);
  }

  private static void assertRefused(String boxes, String reason) {
    assertThatThrownBy(() -> read(boxes)).isInstanceOfSatisfying(ApiException.class, e -> {
      assertThat(e.status()).isEqualTo(400);
      assertThat(e.code()).isEqualTo(reason);
    });
  }
}
