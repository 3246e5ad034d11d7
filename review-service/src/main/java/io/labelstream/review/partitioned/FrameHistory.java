package io.labelstream.review.partitioned;

import io.labelstream.review.images.StoredImage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Everything that happened to a frame: its predictions, review requests, flags, every answer and every label, with
 * who, when, and the record's topic, partition and offset; where the frame and its latest prediction are; and where
 * the frame store keeps its image (the reference its review requests and labels carry, which outlives Kafka), so a
 * flagged frame's image can be shown again.
 *
 * <p>Kept by the instance that owns the frame's partition, in the {@value PartitionedState#HISTORIES} store
 * ({@link HistoryRecorder} writes it), as bytes ({@link HistoryCodec}) under keys that start with the frame id and a
 * NUL (frame ids are UUIDs: they hold none), so one prefix scan reads a frame's all: {@code <frameId>\0e\0<topic>\0
 * <partition>\0<offset>} per event (a replayed record lands on the key it had and is kept once), {@code <frameId>\0l}
 * where the frame and its latest prediction are, {@code <frameId>\0i} its image.
 *
 * @param frame where the frame is in {@code frames.v1}; null when no prediction said
 * @param prediction where its latest prediction is; null when it has none
 * @param image where the frame store keeps its image; null when no record said
 */
public record FrameHistory(List<Event> events, Position frame, Position prediction, StoredImage image) {

  /** One thing that happened to a frame. {@code details} holds the event's own fields (score, reason, …). */
  public record Event(String type, Instant at, String by, String label, Map<String, Object> details, String topic,
      int partition, long offset) {}

  /** Where a record is. */
  public record Position(String topic, int partition, long offset) {}

  /** Events written in one transaction share a time: an answer comes before the label it settles. */
  private static final Comparator<Event> ORDER = Comparator.comparing(Event::at)
      .thenComparingInt(e -> HistoryCodec.TYPES.indexOf(e.type())).thenComparingLong(Event::offset);

  private static final char EVENT = 'e';
  private static final char LOCATED = 'l';
  private static final char IMAGE = 'i';

  public FrameHistory {
    events = List.copyOf(events);
  }

  public Optional<Position> framePosition() {
    return Optional.ofNullable(frame);
  }

  public Optional<Position> predictionPosition() {
    return Optional.ofNullable(prediction);
  }

  public Optional<StoredImage> storedImage() {
    return Optional.ofNullable(image);
  }

  /** The frame's history in {@code store}; empty when nothing at all is known of the frame. */
  static Optional<FrameHistory> read(ReadOnlyKeyValueStore<String, byte[]> store, String frameId) {
    String prefix = frameId + '\0';
    List<Event> events = new ArrayList<>();
    Position[] located = new Position[2];
    StoredImage image = null;
    boolean known = false;
    try (KeyValueIterator<String, byte[]> all = store.prefixScan(prefix, Serdes.String().serializer())) {
      while (all.hasNext()) {
        KeyValue<String, byte[]> entry = all.next();
        known = true;
        switch (entry.key.charAt(prefix.length())) {
          case EVENT -> events.add(HistoryCodec.event(entry.value));
          case LOCATED -> {
            Position[] positions = HistoryCodec.located(entry.value);
            located[0] = positions[0];
            located[1] = positions[1];
          }
          case IMAGE -> image = HistoryCodec.image(entry.value);
          default -> { } // a kind a later version keeps: not shown by this one
        }
      }
    }
    if (!known) {
      return Optional.empty();
    }
    events.sort(ORDER);
    return Optional.of(new FrameHistory(events, located[0], located[1], image));
  }

  /** Keeps {@code event} of the frame in {@code store}. */
  static void record(KeyValueStore<String, byte[]> store, String frameId, Event event) {
    store.put(frameId + '\0' + EVENT + '\0' + event.topic() + '\0' + event.partition() + '\0' + event.offset(),
        HistoryCodec.event(event));
  }

  /** Where the frame ({@code null}: not known) and its latest prediction are. */
  static void located(KeyValueStore<String, byte[]> store, String frameId, Position frame, Position prediction) {
    String key = frameId + '\0' + LOCATED;
    if (frame == null) {
      // A prediction that does not say where the frame is keeps what an earlier one said.
      byte[] before = store.get(key);
      frame = before == null ? null : HistoryCodec.located(before)[0];
    }
    store.put(key, HistoryCodec.located(frame, prediction));
  }

  /** The frame store keeps the frame's image under {@code image} (the latest record that says so wins). */
  static void imaged(KeyValueStore<String, byte[]> store, String frameId, StoredImage image) {
    if (image != null) {
      store.put(frameId + '\0' + IMAGE, HistoryCodec.image(image));
    }
  }
}
