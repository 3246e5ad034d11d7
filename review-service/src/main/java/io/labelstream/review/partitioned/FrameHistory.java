package io.labelstream.review.partitioned;

import io.labelstream.review.images.StoredImage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.serialization.Serdes;
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
 * ({@link HistoryRecorder} writes it): one value per event ({@link Kept}, {@link HistoryCodec}) under a key that
 * starts with the frame id and a NUL (frame ids are UUIDs: they hold none), so one prefix scan reads a frame's all,
 * and ends with the record's topic, partition and offset, so a replayed record lands on the key it had and is kept
 * once: {@code <frameId>\0e\0<topic>\0<partition>\0<offset>}. Where the frame, its latest prediction and its image
 * are is read from the events themselves, so a record costs one write (and one changelog record), not three.
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

  /**
   * An event as the store keeps it, with what it says of where the frame is ({@code frame}: a prediction that says
   * so) and where the frame store keeps its image ({@code image}: a request or label that names it); null otherwise.
   */
  record Kept(Event event, Position frame, StoredImage image) {}

  /** Events written in one transaction share a time: an answer comes before the label it settles. */
  private static final Comparator<Event> ORDER = Comparator.comparing(Event::at)
      .thenComparingInt(e -> HistoryCodec.TYPES.indexOf(e.type())).thenComparingLong(Event::offset);

  private static final char EVENT = 'e';

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

  /** The frame's history in {@code store}; empty when nothing is known of the frame. */
  static Optional<FrameHistory> read(ReadOnlyKeyValueStore<String, byte[]> store, String frameId) {
    List<Kept> kept = new ArrayList<>();
    String prefix = frameId + '\0' + EVENT + '\0';
    try (KeyValueIterator<String, byte[]> all = store.prefixScan(prefix, Serdes.String().serializer())) {
      all.forEachRemaining(entry -> kept.add(HistoryCodec.kept(entry.value)));
    }
    if (kept.isEmpty()) {
      return Optional.empty();
    }
    kept.sort(Comparator.comparing(Kept::event, ORDER));
    Position frame = null;
    Position prediction = null;
    StoredImage image = null;
    List<Event> events = new ArrayList<>(kept.size());
    for (Kept k : kept) {
      events.add(k.event());
      if (k.event().type().equals("prediction")) {
        prediction = new Position(k.event().topic(), k.event().partition(), k.event().offset());
      }
      // the latest record that says where the frame or its image is wins; one that does not say keeps the earlier
      frame = k.frame() != null ? k.frame() : frame;
      image = k.image() != null ? k.image() : image;
    }
    return Optional.of(new FrameHistory(events, frame, prediction, image));
  }

  /** Keeps {@code event} of the frame in {@code store}, with where its frame is or its image (null: not said). */
  static void record(KeyValueStore<String, byte[]> store, String frameId, Event event, Position frame,
      StoredImage image) {
    store.put(frameId + '\0' + EVENT + '\0' + event.topic() + '\0' + event.partition() + '\0' + event.offset(),
        HistoryCodec.kept(new Kept(event, frame, image)));
  }
}
