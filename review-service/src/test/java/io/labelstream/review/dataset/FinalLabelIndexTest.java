package io.labelstream.review.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelstream.review.partitioned.FinalLabelCodec;
import io.labelstream.schemas.avro.Label;
import io.labelstream.schemas.avro.LabelSource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class FinalLabelIndexTest {

  private final FinalLabelIndex index = new FinalLabelIndex(4);

  @Test
  void shouldKeepTheLatestModelLabelOfAFrame() {
    index.offer("f", 10, LabelSource.MODEL);
    index.offer("f", 11, LabelSource.MODEL);

    assertThat(index.isFinal("f", 10)).isFalse();
    assertThat(index.isFinal("f", 11)).isTrue();
    assertThat(index.frames()).isEqualTo(1);
  }

  @Test
  void shouldLetAHumanLabelSupersedeAModelLabel() {
    index.offer("f", 10, LabelSource.MODEL);
    index.offer("f", 12, LabelSource.HUMAN);

    assertThat(index.isFinal("f", 12)).isTrue();
    assertThat(index.isFinal("f", 10)).isFalse();
  }

  @Test
  void shouldIgnoreAModelLabelThatArrivesAfterAHumanOne() {
    index.offer("f", 12, LabelSource.HUMAN);
    index.offer("f", 13, LabelSource.MODEL);

    assertThat(index.isFinal("f", 12)).isTrue();
    assertThat(index.isFinal("f", 13)).isFalse();
    assertThat(index.frames()).isEqualTo(1);
  }

  @Test
  void shouldLetALaterHumanLabelReplaceAnEarlierOne() {
    index.offer("f", 12, LabelSource.HUMAN);
    index.offer("f", 14, LabelSource.HUMAN);

    assertThat(index.isFinal("f", 14)).isTrue();
    assertThat(index.isFinal("f", 12)).isFalse();
  }

  @Test
  void shouldDropAFrameOnATombstoneAndTakeItBackOnItsNextLabel() {
    index.offer("f", 12, LabelSource.HUMAN);
    index.offer("g", 13, LabelSource.MODEL);
    index.offer("f", 15, null);

    assertThat(index.isFinal("f", 12)).isFalse();
    assertThat(index.frames()).isEqualTo(1);

    index.offer("f", 16, LabelSource.MODEL);

    assertThat(index.isFinal("f", 16)).isTrue();
    assertThat(index.frames()).isEqualTo(2);
  }

  @Test
  void shouldNotCountATombstoneOfAnUnknownFrame() {
    index.offer("f", 1, null);

    assertThat(index.frames()).isZero();
    assertThat(index.isFinal("f", 1)).isFalse();
  }

  @Test
  void shouldPickTheLabelTheFinalLabelStoreKeepsForEveryFrameOfARandomHistory() {
    Random random = new Random(42);
    List<String> frames = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      frames.add(UUID.randomUUID().toString());
    }
    List<Label> log = new ArrayList<>();
    for (int offset = 0; offset < 10_000; offset++) {
      LabelSource source = random.nextInt(4) == 0 ? LabelSource.HUMAN : LabelSource.MODEL;
      log.add(label(frames.get(random.nextInt(frames.size())), "class-" + offset, source));
    }
    // What the final label store keeps: the rule of partitioned.FinalLabelProcessor, applied in log order.
    Map<String, byte[]> store = new HashMap<>();

    for (int offset = 0; offset < log.size(); offset++) {
      Label label = log.get(offset);
      index.offer(label.getFrameId(), offset, label.getSource());
      if (FinalLabelCodec.replaces(store.get(label.getFrameId()), label)) {
        store.put(label.getFrameId(), FinalLabelCodec.encode(label));
      }
    }

    long finals = 0;
    for (int offset = 0; offset < log.size(); offset++) {
      Label label = log.get(offset);
      boolean storeKeepsIt = FinalLabelCodec.decode(store.get(label.getFrameId())).getLabel().equals(label.getLabel());
      assertThat(index.isFinal(label.getFrameId(), offset)).as("offset %d", offset).isEqualTo(storeKeepsIt);
      finals += storeKeepsIt ? 1 : 0;
    }
    assertThat(index.frames()).isEqualTo(finals).isEqualTo(store.size());
  }

  static Label label(String frameId, String name, LabelSource source) {
    return Label.newBuilder().setFrameId(frameId).setLabel(name).setClassIndex(0).setSource(source)
        .setLabelledAt(Instant.EPOCH).build();
  }
}
