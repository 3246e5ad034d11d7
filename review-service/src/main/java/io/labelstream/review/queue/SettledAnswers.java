package io.labelstream.review.queue;

import io.labelstream.review.state.FrameBytes;
import io.labelstream.schemas.Topics;
import io.labelstream.schemas.avro.ReviewResult;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The answer that settled each task, by task id: what keeps a settled task from opening again (a replayed request, a
 * late lease record) and tells a repeated submit what the first one was told. One per task people ever answered, so
 * it lives in the review state's store ({@link FrameBytes.Kind#ANSWER}), not in the heap: the heap stays flat as
 * people's labels grow, as it does for the model's. Avro-encoded as {@code review.results.v1} carries it.
 *
 * <p>Not thread-safe on its own: the queue reads and writes it under its lock.
 */
final class SettledAnswers {

  private static final Serializer<ReviewResult> ENCODER = Topics.REVIEW_RESULTS.valueSerde().serializer();
  private static final Deserializer<ReviewResult> DECODER = Topics.REVIEW_RESULTS.valueSerde().deserializer();

  private final FrameBytes store;

  SettledAnswers(FrameBytes store) {
    this.store = store;
  }

  boolean contains(String taskId) {
    return store.get(key(taskId)) != null;
  }

  /** The answer that settled {@code taskId}, or null. */
  ReviewResult get(String taskId) {
    byte[] value = store.get(key(taskId));
    return value == null ? null : DECODER.deserialize(Topics.REVIEW_RESULTS.name(), value);
  }

  /** Keeps {@code result} as the task's settling answer, unless one is kept already (the first one stands). */
  void putIfAbsent(ReviewResult result) {
    if (!contains(result.getTaskId())) {
      put(result);
    }
  }

  void put(ReviewResult result) {
    store.put(key(result.getTaskId()), ENCODER.serialize(Topics.REVIEW_RESULTS.name(), result));
  }

  /** Forgets the task's answer: a change whose write failed is taken back. */
  void remove(String taskId) {
    store.delete(key(taskId));
  }

  private static String key(String taskId) {
    return FrameBytes.key(taskId, FrameBytes.Kind.ANSWER);
  }
}
