package io.labelstream.review.state;

import io.labelstream.review.images.StoredImage;
import io.labelstream.review.state.FrameBytes.Kind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything that happened to each frame, rebuilt from the topics at start-up: its prediction, review requests,
 * flags, every answer and every label, with who, when, and the record's topic, partition and offset. Also where the
 * frame's image is, so a flagged frame's image can be shown again: in the frame store (the reference its review
 * requests and labels carry, which outlives Kafka) and, for frames without one, in {@code frames.v1}.
 *
 * <p>Kept out of the heap, in {@link FrameBytes}: each event encoded on its own ({@link EventCodec}) under a key that
 * ends with its record's topic, partition and offset, so a replayed record lands on the key it had and is kept once;
 * and where the frame, its latest prediction and its image are. Only flags, which are few, stay in the heap.
 */
public final class FrameHistory {

  /** One thing that happened to a frame. {@code details} holds the event's own fields (score, reason, …). */
  public record Event(String type, Instant at, String by, String label, Map<String, Object> details, String topic,
      int partition, long offset) {}

  /** Where a record is. */
  public record Position(String topic, int partition, long offset) {}

  /** A flag, for the admin view. */
  public record Flag(String frameId, String taskId, String reason, String flaggedBy, Instant flaggedAt) {}

  /** Events written in one transaction share a time: an answer comes before the label it settles. */
  private static final Comparator<Event> ORDER = Comparator.comparing(Event::at)
      .thenComparingInt(e -> EventCodec.TYPES.indexOf(e.type())).thenComparingLong(Event::offset);

  private final FrameBytes bytes;
  private final List<Flag> flags = new ArrayList<>();

  /** @param bytes where the history is kept; it is the caller's to close */
  public FrameHistory(FrameBytes bytes) {
    this.bytes = bytes;
  }

  public void record(String frameId, Event event) {
    bytes.put(events(frameId) + event.topic() + "\0" + event.partition() + "\0" + event.offset(),
        EventCodec.event(event));
  }

  /** Where the frame and its latest prediction are (from the prediction record). */
  public void located(String frameId, Position frame, Position prediction) {
    if (frame != null) {
      bytes.put(FrameBytes.key(frameId, Kind.FRAME), EventCodec.position(frame));
    }
    bytes.put(FrameBytes.key(frameId, Kind.PREDICTION), EventCodec.position(prediction));
  }

  /** The frame store keeps the frame's image under {@code image} (the latest record that says so wins). */
  public void imaged(String frameId, StoredImage image) {
    if (image != null) {
      bytes.put(FrameBytes.key(frameId, Kind.IMAGE), EventCodec.image(image));
    }
  }

  /** Where the frame store keeps the frame's image, if a record said. */
  public Optional<StoredImage> image(String frameId) {
    return Optional.ofNullable(bytes.get(FrameBytes.key(frameId, Kind.IMAGE))).map(EventCodec::image);
  }

  public synchronized void flagged(Flag flag) {
    if (flags.stream().noneMatch(f -> f.taskId().equals(flag.taskId()))) {
      flags.add(flag);
    }
  }

  public Optional<List<Event>> of(String frameId) {
    List<Event> events = new ArrayList<>();
    bytes.forEachWithPrefix(events(frameId), (key, event) -> events.add(EventCodec.event(event)));
    if (events.isEmpty()) {
      return Optional.empty();
    }
    events.sort(ORDER);
    return Optional.of(events);
  }

  public Optional<Position> framePosition(String frameId) {
    return Optional.ofNullable(bytes.get(FrameBytes.key(frameId, Kind.FRAME))).map(EventCodec::position);
  }

  public Optional<Position> predictionPosition(String frameId) {
    return Optional.ofNullable(bytes.get(FrameBytes.key(frameId, Kind.PREDICTION))).map(EventCodec::position);
  }

  /** Flags so far, newest first. */
  public synchronized List<Flag> flags() {
    List<Flag> newestFirst = new ArrayList<>(flags);
    newestFirst.sort(Comparator.comparing(Flag::flaggedAt).reversed());
    return newestFirst;
  }

  /** How often a frame was flagged: numbers its next flag task. */
  public synchronized long flagsOf(String frameId) {
    return flags.stream().filter(f -> f.frameId().equals(frameId)).count();
  }

  /** What the keys of the frame's events start with. */
  private static String events(String frameId) {
    return FrameBytes.key(frameId, Kind.EVENT) + "\0";
  }
}
