package io.labelstream.review.state;

import io.labelstream.schemas.Topics;
import io.labelstream.schemas.avro.Label;
import io.labelstream.schemas.avro.LabelSource;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;
import java.util.Optional;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The latest label of every frame, read from the compacted {@code labels.v1}. A HUMAN label supersedes a MODEL
 * label: a model label arriving after a human one (a replayed or late record) does not replace it.
 *
 * <p>Labels are kept out of the heap, in {@link FrameBytes} ({@code Kind.LABEL}): their source in one byte,
 * then the label Avro-encoded as {@code labels.v1} carries it, without its frame store reference ({@link
 * FrameHistory} keeps that per frame). Only the counts stay in the heap.
 */
public final class LabelStore implements Checkpointed {

  private static final Serializer<Label> ENCODER = Topics.LABELS.valueSerde().serializer();
  private static final Deserializer<Label> DECODER = Topics.LABELS.valueSerde().deserializer();

  private static final LabelSource[] SOURCES = LabelSource.values();

  private final FrameBytes bytes;
  private long modelLabelled;
  private long humanLabelled;

  /** @param bytes where the labels are kept; it is the caller's to close */
  public LabelStore(FrameBytes bytes) {
    this.bytes = bytes;
  }

  public synchronized void put(Label label) {
    byte[] previous = bytes.get(key(label.getFrameId()));
    LabelSource previousSource = previous == null ? null : SOURCES[previous[0]];
    if (previousSource == LabelSource.HUMAN && label.getSource() == LabelSource.MODEL) {
      return;
    }
    byte[] encoded = ENCODER.serialize(Topics.LABELS.name(), label.getImageRef() == null ? label
        : Label.newBuilder(label).setImageRef(null).build());
    byte[] value = new byte[encoded.length + 1];
    value[0] = (byte) label.getSource().ordinal();
    System.arraycopy(encoded, 0, value, 1, encoded.length);
    bytes.put(key(label.getFrameId()), value);
    if (previousSource != null) {
      count(previousSource, -1);
    }
    count(label.getSource(), +1);
  }

  public Optional<Label> get(String frameId) {
    byte[] value = bytes.get(key(frameId));
    return value == null ? Optional.empty()
        : Optional.of(DECODER.deserialize(Topics.LABELS.name(), Arrays.copyOfRange(value, 1, value.length)));
  }

  public synchronized long modelLabelled() {
    return modelLabelled;
  }

  public synchronized long humanLabelled() {
    return humanLabelled;
  }

  private void count(LabelSource source, int delta) {
    if (source == LabelSource.MODEL) {
      modelLabelled += delta;
    } else {
      humanLabelled += delta;
    }
  }
  private static String key(String frameId) {
    return FrameBytes.key(frameId, FrameBytes.Kind.LABEL);
  }

  /** Writes the counts by source; the labels are in the state store. */
  @Override
  public synchronized void save(DataOutput out) throws IOException {
    out.writeLong(modelLabelled);
    out.writeLong(humanLabelled);
  }

  @Override
  public synchronized void restore(DataInput in) throws IOException {
    modelLabelled = in.readLong();
    humanLabelled = in.readLong();
  }
}
