package io.labelstream.review.retention;

import io.labelstream.schemas.avro.ImageRef;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Which stored images something still needs, and until when: the collector's view of Kafka at one moment. An image
 * held by a frame still in frames.v1, an open review request, a gold frame or a dataset snapshot is needed for as
 * long as that holder exists ({@link Instant#MAX}); one held only by labels is needed until its last label's time
 * plus the retention. Several holders of one image (frames with the same bytes share it) keep the latest time.
 */
final class ImageHolds {

  private final Map<String, Instant> until = new HashMap<>();
  private final Map<String, String> why = new HashMap<>();

  /** {@code ref}'s image is needed until {@code time} by {@code holder} (for the log and the report). */
  void hold(ImageRef ref, Instant time, String holder) {
    if (ref == null) {
      return;
    }
    String key = ref.getKey();
    Instant before = until.get(key);
    if (before == null || time.isAfter(before)) {
      until.put(key, time);
      why.put(key, holder);
    }
  }

  /** Whether anything needs the image under {@code key} at {@code now}. */
  boolean needed(String key, Instant now) {
    Instant time = until.get(key);
    return time != null && time.isAfter(now);
  }

  /** What holds the image longest, or null when nothing does. */
  String holder(String key) {
    return why.get(key);
  }

  int size() {
    return until.size();
  }
}
