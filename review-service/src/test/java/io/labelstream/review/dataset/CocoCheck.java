package io.labelstream.review.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * A strict check of a COCO object-detection file, standing in for a COCO reader: pycocotools (the reference reader)
 * is not packaged for Debian, and the build reaches no other package index. It checks what
 * {@code pycocotools.coco.COCO} indexes by and what {@code COCOeval} reads for {@code iouType="bbox"}, and what the
 * format's description requires: the three arrays; unique integer ids; every annotation's {@code image_id} and
 * {@code category_id} pointing at an image and a category; {@code bbox} four numbers {@code [x, y, w, h]} with a
 * positive size inside its image (a pixel of slack: reviewers may draw that far out); {@code area} = w * h;
 * {@code iscrowd} the integer 0; a {@code score}, if any, in 0-1; images with a file name and a positive width and
 * height.
 */
final class CocoCheck {

  /** What the file holds, as a reader would count it. */
  record Counts(int images, int annotations, int categories, Map<Long, Integer> annotationsPerImage,
      Map<Long, Integer> annotationsPerCategory) {}

  private CocoCheck() {}

  static Counts detection(JsonNode coco) {
    for (String array : new String[] {"images", "annotations", "categories"}) {
      assertThat(coco.get(array)).as(array).isNotNull();
      assertThat(coco.get(array).isArray()).as("%s is an array", array).isTrue();
    }
    Map<Long, JsonNode> images = new HashMap<>();
    for (JsonNode image : coco.get("images")) {
      long id = integer(image, "id", "image");
      assertThat(images.put(id, image)).as("image id %s once", id).isNull();
      assertThat(image.path("file_name").isTextual() && !image.get("file_name").asText().isEmpty())
          .as("image %s has a file_name", id).isTrue();
      assertThat(integer(image, "width", "image")).as("image %s width", id).isPositive();
      assertThat(integer(image, "height", "image")).as("image %s height", id).isPositive();
    }
    Set<Long> categories = new HashSet<>();
    for (JsonNode category : coco.get("categories")) {
      long id = integer(category, "id", "category");
      assertThat(categories.add(id)).as("category id %s once", id).isTrue();
      assertThat(category.path("name").isTextual() && !category.get("name").asText().isEmpty())
          .as("category %s has a name", id).isTrue();
    }
    Set<Long> annotationIds = new HashSet<>();
    Map<Long, Integer> perImage = new HashMap<>();
    Map<Long, Integer> perCategory = new HashMap<>();
    for (JsonNode annotation : coco.get("annotations")) {
      long id = integer(annotation, "id", "annotation");
      assertThat(annotationIds.add(id)).as("annotation id %s once", id).isTrue();
      long imageId = integer(annotation, "image_id", "annotation");
      JsonNode image = images.get(imageId);
      assertThat(image).as("annotation %s: image %s exists", id, imageId).isNotNull();
      long categoryId = integer(annotation, "category_id", "annotation");
      assertThat(categories).as("annotation %s: category %s exists", id, categoryId).contains(categoryId);
      JsonNode bbox = annotation.get("bbox");
      assertThat(bbox != null && bbox.isArray() && bbox.size() == 4).as("annotation %s: bbox [x, y, w, h]", id).isTrue();
      bbox.forEach(v -> assertThat(v.isNumber()).as("annotation %s: bbox numbers", id).isTrue());
      double x = bbox.get(0).asDouble();
      double y = bbox.get(1).asDouble();
      double w = bbox.get(2).asDouble();
      double h = bbox.get(3).asDouble();
      assertThat(w).as("annotation %s: width", id).isPositive();
      assertThat(h).as("annotation %s: height", id).isPositive();
      assertThat(x).as("annotation %s: left edge", id).isGreaterThanOrEqualTo(-1);
      assertThat(y).as("annotation %s: top edge", id).isGreaterThanOrEqualTo(-1);
      assertThat(x + w).as("annotation %s: right edge", id).isLessThanOrEqualTo(image.get("width").asDouble() + 1);
      assertThat(y + h).as("annotation %s: bottom edge", id).isLessThanOrEqualTo(image.get("height").asDouble() + 1);
      assertThat(annotation.path("area").isNumber()).as("annotation %s: area is a number", id).isTrue();
      // bbox is written at float precision, area from the product as a double: equal to float precision.
      assertThat(annotation.get("area").asDouble()).as("annotation %s: area = w * h", id)
          .isCloseTo(w * h, within(1e-6 * Math.max(1, w * h)));
      assertThat(annotation.path("iscrowd").isIntegralNumber() && annotation.get("iscrowd").asInt() == 0)
          .as("annotation %s: iscrowd 0", id).isTrue();
      if (annotation.has("score")) {
        assertThat(annotation.get("score").asDouble()).as("annotation %s: score", id).isBetween(0.0, 1.0);
      }
      perImage.merge(imageId, 1, Integer::sum);
      perCategory.merge(categoryId, 1, Integer::sum);
    }
    return new Counts(images.size(), annotationIds.size(), categories.size(), perImage, perCategory);
  }

  private static long integer(JsonNode node, String field, String what) {
    assertThat(node.path(field).isIntegralNumber()).as("%s %s is an integer: %s", what, field, node).isTrue();
    return node.get(field).asLong();
  }
}
