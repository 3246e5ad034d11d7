package io.labelstream.review.dataset;

import io.labelstream.schemas.avro.LabelSource;

/**
 * Which record of one labels.v1 partition holds each frame's final label: the first pass of a snapshot fills it
 * while reading the partition, the second pass copies exactly the records it points at. It stores a 64-bit hash of
 * the frameId and the record's offset (see {@link KeyHash} for why a hash is enough), never the labels.
 *
 * <p>The rule is the one {@code partitioned.FrameStateProcessor} applies, so a snapshot says what {@code GET /v1/labels/{frameId}}
 * says: the latest record of a frame wins, except that a MODEL label never replaces a HUMAN one (a late or
 * replayed model label does not undo a person's answer). A tombstone (a record without a value) removes the frame
 * from the dataset, as compaction will; FrameStateProcessor ignores tombstones, but nothing writes them to labels.v1
 * today.
 */
final class FinalLabelIndex {

  private static final long DELETED = -1;

  /** frameId hash to {@code offset << 1 | 1 if HUMAN}, or {@link #DELETED}. */
  private final LongLongMap byFrame;
  private long frames;

  FinalLabelIndex(int expectedFrames) {
    this.byFrame = new LongLongMap(expectedFrames);
  }

  /** Takes the record at {@code offset} into account; {@code source} is null for a tombstone. */
  void offer(String frameId, long offset, LabelSource source) {
    long key = KeyHash.of(frameId);
    long previous = byFrame.get(key);
    boolean live = previous != LongLongMap.ABSENT && previous != DELETED;
    if (source == null) {
      if (live) {
        byFrame.put(key, DELETED);
        frames--;
      }
      return;
    }
    if (source == LabelSource.MODEL && live && (previous & 1) == 1) {
      return;
    }
    byFrame.put(key, offset << 1 | (source == LabelSource.HUMAN ? 1 : 0));
    if (!live) {
      frames++;
    }
  }

  /** True when the record at {@code offset} is the final label of {@code frameId}. */
  boolean isFinal(String frameId, long offset) {
    long value = byFrame.get(KeyHash.of(frameId));
    return value >= 0 && value >>> 1 == offset;
  }

  /** Frames with a final label: what the second pass must find, record for record. */
  long frames() {
    return frames;
  }
}
