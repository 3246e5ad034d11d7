package io.labelstream.review.partitioned;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelstream.schemas.avro.ImageRef;
import io.labelstream.schemas.avro.Label;
import io.labelstream.schemas.avro.LabelSource;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class FinalLabelCodecTest {

  @Test
  void aHumanLabelSupersedesAModelLabelAndNotTheOtherWayRound() {
    byte[] model = FinalLabelCodec.encode(label("Bag", LabelSource.MODEL));
    byte[] human = FinalLabelCodec.encode(label("Coat", LabelSource.HUMAN));

    assertThat(FinalLabelCodec.replaces(null, label("Bag", LabelSource.MODEL))).isTrue();
    assertThat(FinalLabelCodec.replaces(model, label("Coat", LabelSource.MODEL))).isTrue();
    assertThat(FinalLabelCodec.replaces(model, label("Coat", LabelSource.HUMAN))).isTrue();
    assertThat(FinalLabelCodec.replaces(human, label("Shirt", LabelSource.HUMAN))).isTrue();
    assertThat(FinalLabelCodec.replaces(human, label("Sandal", LabelSource.MODEL))).as("a replayed or late model label")
        .isFalse();
  }

  @Test
  void keepsTheLabelAndItsSourceAndLeavesTheImageReferenceToTheHistory() {
    Label withImage = Label.newBuilder(label("Bag", LabelSource.HUMAN))
        .setImageRef(ImageRef.newBuilder().setStore("s3://frames").setKey("k").setSize(1).setSha256("ab".repeat(32))
            .setContentType("image/png").build())
        .build();

    byte[] kept = FinalLabelCodec.encode(withImage);

    assertThat(FinalLabelCodec.source(kept)).isEqualTo(LabelSource.HUMAN);
    assertThat(FinalLabelCodec.decode(kept)).isEqualTo(Label.newBuilder(withImage).setImageRef(null).build());
  }

  private static Label label(String name, LabelSource source) {
    return Label.newBuilder().setFrameId("frame-1").setLabel(name).setClassIndex(0).setSource(source)
        .setLabelledAt(Instant.EPOCH).build();
  }
}
