package io.labelstream.review.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labelstream.schemas.avro.Box;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A task's statistics leave the heap as bytes and come back the same. */
class TaskTrackTest {

  @Test
  void shouldComeBackAsItWasWithClassificationAnswers() {
    TaskTrack task = new TaskTrack();
    task.requestedMinute = 29_000_000L;
    task.settledMinute = 29_000_003L;
    task.addAnswer("ada", 4, null);
    task.addAnswer("bob", 2, null);

    TaskTrack back = TaskTrack.decode(task.encode());

    assertThat(back.requestedMinute).isEqualTo(29_000_000L);
    assertThat(back.settledMinute).isEqualTo(29_000_003L);
    assertThat(back.reviewers).containsExactly("ada", "bob");
    assertThat(back.classes).containsExactly(4, 2);
    assertThat(back.boxAnswers).isNull();
    assertThat(back.answeredBy("bob")).isTrue();
    assertThat(back.answeredBy("cy")).isFalse();
  }

  @Test
  void shouldKeepWhatIsNotKnownYetAsNotKnown() {
    TaskTrack back = TaskTrack.decode(new TaskTrack().encode());

    assertThat(back.requestedMinute).isEqualTo(TaskTrack.NONE);
    assertThat(back.settledMinute).isEqualTo(TaskTrack.NONE);
    assertThat(back.reviewers).isEmpty();
    assertThat(back.classes).isEmpty();
  }

  @Test
  void shouldComeBackWithEveryAnswersBoxesInOrder() {
    Box drawn = Box.newBuilder().setLabel("Bag").setClassIndex(8).setX(10.5f).setY(20f).setW(30f).setH(40.25f)
        .setConfidence(null).build();
    Box suggested = Box.newBuilder().setLabel("Sneaker").setClassIndex(7).setX(0f).setY(1f).setW(2f).setH(3f)
        .setConfidence(0.875f).build();
    TaskTrack task = new TaskTrack();
    task.addAnswer("ada", 3, null); // a classification answer before the detection ones
    task.addAnswer("bob", -1, List.of(drawn, suggested));
    task.addAnswer("cy", -1, List.of()); // nothing to label

    TaskTrack back = TaskTrack.decode(task.encode());

    assertThat(back.reviewers).containsExactly("ada", "bob", "cy");
    assertThat(back.classes).containsExactly(3, -1, -1);
    assertThat(back.boxAnswers).hasSize(3);
    assertThat(back.boxAnswers.get(0)).isNull();
    assertThat(back.boxAnswers.get(1)).containsExactly(drawn, suggested);
    assertThat(back.boxAnswers.get(2)).isEmpty();
  }

  @Test
  void shouldRefuseBytesOfAnotherEncoding() {
    byte[] bytes = new TaskTrack().encode();
    bytes[0] = 9;

    assertThatThrownBy(() -> TaskTrack.decode(bytes)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown encoding 9");
  }
}
