package io.labelstream.schemas.boxes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.labelstream.schemas.avro.Box;
import java.util.List;
import org.junit.jupiter.api.Test;

class BoxMatchingTest {

  private static Box box(int classIndex, float x, float y, float w, float h) {
    return Box.newBuilder().setLabel("c" + classIndex).setClassIndex(classIndex).setX(x).setY(y).setW(w).setH(h)
        .build();
  }

  @Test
  void iouOfHalfOverlappingSquaresIsOneThird() {
    assertThat(BoxMatching.iou(box(0, 0, 0, 10, 10), box(0, 5, 0, 10, 10))).isCloseTo(50.0 / 150.0, within(1e-9));
    assertThat(BoxMatching.iou(box(0, 0, 0, 10, 10), box(0, 10, 0, 10, 10))).isZero();
    assertThat(BoxMatching.iou(box(0, 0, 0, 10, 10), box(0, 0, 0, 0, 10))).isZero();
    assertThat(BoxMatching.iou(box(0, 3, 4, 10, 10), box(0, 3, 4, 10, 10))).isEqualTo(1.0);
  }

  @Test
  void sameBoxesInAnotherOrderAreExact() {
    List<Box> truth = List.of(box(1, 0, 0, 10, 10), box(2, 50, 50, 20, 20));
    List<Box> answer = List.of(box(2, 52, 51, 20, 19), box(1, 1, 0, 10, 10));

    BoxMatching.Result result = BoxMatching.match(truth, answer);

    assertThat(result.exact()).isTrue();
    assertThat(result.f1()).isEqualTo(1.0);
    assertThat(result.pairs()).extracting(p -> p[0] + ":" + p[1]).containsExactlyInAnyOrder("0:1", "1:0");
  }

  @Test
  void anotherClassAMissingAndAnExtraBoxAreNotExact() {
    List<Box> truth = List.of(box(1, 0, 0, 10, 10), box(2, 50, 50, 20, 20), box(3, 100, 100, 5, 5));
    List<Box> answer = List.of(box(1, 0, 0, 10, 10), box(4, 50, 50, 20, 20), box(3, 200, 200, 5, 5));

    BoxMatching.Result result = BoxMatching.match(truth, answer);

    assertThat(result.matched()).isEqualTo(1);
    assertThat(result.missing()).isEqualTo(2);
    assertThat(result.extra()).isEqualTo(2);
    assertThat(result.exact()).isFalse();
    assertThat(result.f1()).isCloseTo(2.0 / 6.0, within(1e-9));
  }

  @Test
  void aBoxMatchesOnlyOnceAndTheBestOverlapWins() {
    List<Box> truth = List.of(box(0, 0, 0, 10, 10));
    List<Box> answer = List.of(box(0, 2, 0, 10, 10), box(0, 0, 0, 10, 10));

    BoxMatching.Result result = BoxMatching.match(truth, answer);

    assertThat(result.pairs()).extracting(p -> p[0] + ":" + p[1]).containsExactly("0:1");
    assertThat(result.extra()).isEqualTo(1);
  }

  @Test
  void overlapBelowHalfIsNoMatchAndTwoEmptyFramesAgree() {
    assertThat(BoxMatching.match(List.of(box(0, 0, 0, 10, 10)), List.of(box(0, 6, 0, 10, 10))).matched()).isZero();
    BoxMatching.Result empty = BoxMatching.match(List.of(), List.of());
    assertThat(empty.exact()).isTrue();
    assertThat(empty.f1()).isEqualTo(1.0);
  }
}
