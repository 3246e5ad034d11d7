package io.labelstream.review.images;

import io.labelstream.review.dataset.Datasets;
import io.labelstream.review.queue.GoldTasks;
import io.labelstream.review.queue.TaskQueue;
import io.labelstream.review.state.FrameHistory;
import io.labelstream.review.state.LabelStore;
import io.labelstream.schemas.avro.DatasetSnapshot;
import io.labelstream.schemas.avro.GoldFrame;
import io.labelstream.schemas.avro.ImageRef;
import io.labelstream.schemas.avro.Label;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The frame store images the review service holds references to, in one place, for whatever decides which stored
 * images may be deleted (FRAME_STORE_RETENTION): an image an open task, a gold frame or a dataset snapshot needs must
 * stay; a labelled frame's image may go once its label is older than the retention and nothing else needs it.
 *
 * <p>Reads this instance's state as rebuilt from Kafka (every instance holds all of it) and, for snapshots, their
 * labels on datasets.labels.v1.
 */
public final class HeldImages {

  private final TaskQueue queue;
  private final FrameHistory history;
  private final LabelStore labels;
  private final Datasets datasets;
  private final GoldTasks gold;

  public HeldImages(TaskQueue queue, FrameHistory history, LabelStore labels, Datasets datasets, GoldTasks gold) {
    this.queue = queue;
    this.history = history;
    this.labels = labels;
    this.datasets = datasets;
    this.gold = gold;
  }

  /** The image of every open task (waiting, leased or flagged) that is in the store. */
  public void openTasks(Consumer<ImageRef> visitor) {
    List<StoredImage> images = new ArrayList<>();
    queue.forEachOpen(task -> {
      if (task.image().stored() != null) {
        images.add(task.image().stored());
      }
    });
    images.forEach(image -> visitor.accept(image.ref()));
  }

  /** The image of every gold frame added with a store. */
  public void goldFrames(Consumer<ImageRef> visitor) {
    for (GoldFrame frame : gold.items()) {
      if (frame.getImageRef() != null) {
        visitor.accept(frame.getImageRef());
      }
    }
  }

  /**
   * Every frame whose image is in the store, with when its final label was written (null while it has none: it is
   * still being routed or reviewed). Frames are visited from a copy, so the state is not locked while the visitor runs.
   */
  public void labelledFrames(BiConsumer<ImageRef, Instant> visitor) {
    List<Map.Entry<String, StoredImage>> frames = new ArrayList<>();
    history.forEachImage((frameId, image) -> frames.add(Map.entry(frameId, image)));
    for (Map.Entry<String, StoredImage> frame : frames) {
      visitor.accept(frame.getValue().ref(), labels.get(frame.getKey()).map(Label::getLabelledAt).orElse(null));
    }
  }

  /**
   * The images of every dataset snapshot, with its id; reads each snapshot's labels from Kafka.
   *
   * @throws org.apache.kafka.common.KafkaException when Kafka failed
   */
  public void snapshots(BiConsumer<String, ImageRef> visitor) throws IOException {
    for (DatasetSnapshot snapshot : datasets.list()) {
      datasets.forEachImage(snapshot, ref -> visitor.accept(snapshot.getDatasetId(), ref));
    }
  }
}
