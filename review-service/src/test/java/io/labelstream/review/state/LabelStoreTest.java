package io.labelstream.review.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelstream.schemas.avro.ImageRef;
import io.labelstream.schemas.avro.Label;
import io.labelstream.schemas.avro.LabelSource;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LabelStoreTest {

  private final FrameBytes bytes = FrameBytes.temporary();
  private final LabelStore labels = new LabelStore(bytes);

  @AfterEach
  void close() {
    bytes.close();
  }

  @Test
  void aHumanLabelSupersedesAModelLabelAndNotTheOtherWayRound() {
    labels.put(label("frame-1", "Bag", LabelSource.MODEL));
    labels.put(label("frame-1", "Coat", LabelSource.HUMAN));
    labels.put(label("frame-1", "Sandal", LabelSource.MODEL)); // replayed or late

    assertThat(labels.get("frame-1")).hasValueSatisfying(label -> {
      assertThat(label.getLabel()).isEqualTo("Coat");
      assertThat(label.getSource()).isEqualTo(LabelSource.HUMAN);
    });
    assertThat(labels.modelLabelled()).isZero();
    assertThat(labels.humanLabelled()).isEqualTo(1);
  }

  @Test
  void eachFrameCountsOnceBySourceAndUnknownFramesHaveNoLabel() {
    labels.put(label("frame-1", "Bag", LabelSource.MODEL));
    labels.put(label("frame-1", "Coat", LabelSource.MODEL));
    labels.put(label("frame-2", "Bag", LabelSource.HUMAN));
    labels.put(label("frame-2", "Shirt", LabelSource.HUMAN));

    assertThat(labels.get("frame-1").map(Label::getLabel)).contains("Coat");
    assertThat(labels.get("frame-2").map(Label::getLabel)).contains("Shirt");
    assertThat(labels.get("frame-3")).isEmpty();
    assertThat(labels.modelLabelled()).isEqualTo(1);
    assertThat(labels.humanLabelled()).isEqualTo(1);
  }

  @Test
  void theImageReferenceIsLeftToTheHistory() {
    Label withImage = Label.newBuilder(label("frame-1", "Bag", LabelSource.MODEL))
        .setImageRef(ImageRef.newBuilder().setStore("s3://frames").setKey("k").setSize(1).setSha256("ab".repeat(32))
            .setContentType("image/png").build())
        .build();

    labels.put(withImage);

    assertThat(labels.get("frame-1")).hasValueSatisfying(label -> {
      assertThat(label.getImageRef()).isNull();
      assertThat(label).isEqualTo(Label.newBuilder(withImage).setImageRef(null).build());
    });
  }

  private static Label label(String frameId, String name, LabelSource source) {
    return Label.newBuilder().setFrameId(frameId).setLabel(name).setClassIndex(0).setSource(source)
        .setLabelledAt(Instant.EPOCH).build();
  }
}
