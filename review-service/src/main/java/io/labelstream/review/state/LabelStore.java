package io.labelstream.review.state;

import io.labelstream.schemas.avro.Label;
import io.labelstream.schemas.avro.LabelSource;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The latest label of every frame, read from the compacted {@code labels.v1}. A HUMAN label supersedes a MODEL
 * label: a model label arriving after a human one (a replayed or late record) does not replace it.
 *
 * <p>Labels are kept without their frame store reference: {@link FrameHistory} keeps it per frame, in under a third of the
 * memory.
 */
public final class LabelStore {

  private final Map<String, Label> byFrame = new HashMap<>();
  private long modelLabelled;
  private long humanLabelled;

  public synchronized void put(Label label) {
    Label previous = byFrame.get(label.getFrameId());
    if (previous != null && previous.getSource() == LabelSource.HUMAN && label.getSource() == LabelSource.MODEL) {
      return;
    }
    byFrame.put(label.getFrameId(), label.getImageRef() == null ? label
        : Label.newBuilder(label).setImageRef(null).build());
    if (previous != null) {
      count(previous.getSource(), -1);
    }
    count(label.getSource(), +1);
  }

  public synchronized Optional<Label> get(String frameId) {
    return Optional.ofNullable(byFrame.get(frameId));
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
}
