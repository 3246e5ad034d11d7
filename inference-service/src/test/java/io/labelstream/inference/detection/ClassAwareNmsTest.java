package io.labelstream.inference.detection;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The suppression rule at its edges: per class, by score, IoU strictly above the threshold. */
class ClassAwareNmsTest {

  private static Proposal box(int c, float score, double x1, double y1, double x2, double y2) {
    return new Proposal(c, score, 1.0, x1, y1, x2, y2);
  }

  @Test
  void shouldSuppressAnOverlappingBoxOfTheSameClassButNotOfAnother() {
    Proposal best = box(0, 0.9f, 0, 0, 100, 100);
    Proposal sameClass = box(0, 0.8f, 10, 0, 110, 100); // IoU 90/110 = 0.82
    Proposal otherClass = box(1, 0.7f, 10, 0, 110, 100);

    assertThat(ClassAwareNms.suppress(List.of(best, sameClass, otherClass), 0.45)).containsExactly(best, otherClass);
  }

  @Test
  void shouldKeepABoxWhoseIouEqualsTheThreshold() {
    Proposal a = box(0, 0.9f, 0, 0, 100, 100);
    Proposal b = box(0, 0.8f, 50, 0, 150, 100); // IoU 1/3
    double iou = a.iou(b);

    assertThat(ClassAwareNms.suppress(List.of(a, b), iou)).containsExactly(a, b);
    assertThat(ClassAwareNms.suppress(List.of(a, b), Math.nextDown(iou))).containsExactly(a);
  }

  @Test
  void shouldLetOnlyKeptBoxesSuppress() {
    // b is suppressed by a; c overlaps b but not a, so c stays: a suppressed box suppresses nothing.
    Proposal a = box(0, 0.9f, 0, 0, 100, 100);
    Proposal b = box(0, 0.8f, 30, 0, 130, 100);
    Proposal c = box(0, 0.7f, 80, 0, 180, 100);

    assertThat(ClassAwareNms.suppress(List.of(a, b, c), 0.45)).containsExactly(a, c);
  }

  @Test
  void shouldKeepIdenticalBoxesOfDifferentClassesAndDropTheLessConfidentTwin() {
    Proposal a = box(2, 0.9f, 5, 5, 50, 50);
    Proposal twin = box(2, 0.9f, 5, 5, 50, 50);
    Proposal otherClass = box(3, 0.95f, 5, 5, 50, 50);

    assertThat(ClassAwareNms.suppress(List.of(otherClass, a, twin), 0.99)).containsExactly(otherClass, a);
  }

  @Test
  void shouldNeverSuppressWithBoxesWithoutArea() {
    Proposal point = box(0, 0.9f, 10, 10, 10, 10);
    Proposal samePoint = box(0, 0.8f, 10, 10, 10, 10);

    assertThat(ClassAwareNms.suppress(List.of(point, samePoint), 0.0)).containsExactly(point, samePoint);
    assertThat(ClassAwareNms.suppress(List.of(), 0.45)).isEmpty();
  }
}
