package io.labelstream.review.partitioned;

import io.labelstream.schemas.Topics;
import io.labelstream.schemas.avro.Label;
import io.labelstream.schemas.avro.LabelSource;
import java.util.Arrays;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * How a frame's final label is kept in its store: the source in one byte (read without decoding the rest, to apply
 * the rule that a HUMAN label supersedes a MODEL one), then the label Avro-encoded as {@code labels.v1} carries it,
 * without its frame store reference (the frame's history keeps that).
 */
public final class FinalLabelCodec {

  private static final Serializer<Label> ENCODER = Topics.LABELS.valueSerde().serializer();
  private static final Deserializer<Label> DECODER = Topics.LABELS.valueSerde().deserializer();
  private static final LabelSource[] SOURCES = LabelSource.values();

  private FinalLabelCodec() {}

  public static byte[] encode(Label label) {
    byte[] encoded = ENCODER.serialize(Topics.LABELS.name(), label.getImageRef() == null ? label
        : Label.newBuilder(label).setImageRef(null).build());
    byte[] value = new byte[encoded.length + 1];
    value[0] = (byte) label.getSource().ordinal();
    System.arraycopy(encoded, 0, value, 1, encoded.length);
    return value;
  }

  public static LabelSource source(byte[] value) {
    return SOURCES[value[0]];
  }

  public static Label decode(byte[] value) {
    return DECODER.deserialize(Topics.LABELS.name(), Arrays.copyOfRange(value, 1, value.length));
  }

  /** Whether {@code next} replaces a final label kept as {@code kept} (null: none yet). */
  public static boolean replaces(byte[] kept, Label next) {
    return kept == null || source(kept) != LabelSource.HUMAN || next.getSource() == LabelSource.HUMAN;
  }
}
