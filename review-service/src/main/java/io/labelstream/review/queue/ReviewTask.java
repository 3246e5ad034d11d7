package io.labelstream.review.queue;

import io.labelstream.schemas.avro.ReviewReason;
import io.labelstream.schemas.avro.ReviewRequest;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * One frame waiting for a person, as the queue keeps it.
 *
 * @param suggestion the model's predicted class name
 * @param confidence the model's routing score for that class
 * @param image where its image is: in Kafka for every task made from a review request (see {@link TaskImage})
 * @param flaggedBy for a FLAGGED task, who flagged it: they never get it (a flag must not let one reviewer rewrite a
 *     label alone); null otherwise
 * @param boxes for a detection task (its prediction carries boxes, or its gold frame does), the frame's size and the
 *     boxes it is judged against; null for a classification task
 */
public record ReviewTask(String taskId, String frameId, ReviewReason reason, double priority, String suggestion,
    double confidence, String contentType, TaskImage image, Instant requestedAt, String flaggedBy, TaskBoxes boxes) {

  /** A classification task. */
  public ReviewTask(String taskId, String frameId, ReviewReason reason, double priority, String suggestion,
      double confidence, String contentType, TaskImage image, Instant requestedAt, String flaggedBy) {
    this(taskId, frameId, reason, priority, suggestion, confidence, contentType, image, requestedAt, flaggedBy, null);
  }

  /** A task nobody flagged. */
  public ReviewTask(String taskId, String frameId, ReviewReason reason, double priority, String suggestion,
      double confidence, String contentType, TaskImage image, Instant requestedAt) {
    this(taskId, frameId, reason, priority, suggestion, confidence, contentType, image, requestedAt, null);
  }

  /** A task whose image is kept in memory (a gold task). */
  public ReviewTask(String taskId, String frameId, ReviewReason reason, double priority, String suggestion,
      double confidence, String contentType, byte[] image, Instant requestedAt) {
    this(taskId, frameId, reason, priority, suggestion, confidence, contentType, new TaskImage.Held(image), requestedAt);
  }

  /** Whether the reviewer draws boxes (detection) rather than picks a class. */
  public boolean detection() {
    return boxes != null;
  }

  /** The task a review request read from Kafka asks for; its image stays in that record. */
  public static ReviewTask read(ConsumerRecord<String, byte[]> record, ReviewRequest request) {
    return of(request, TaskImage.of(record, request));
  }

  /**
   * The task a review request asks for, with its image at {@code image}. A flagged label is its suggestion: the
   * reviewer confirms or corrects it. A prediction with boxes (v5) makes a detection task; a FLAGGED detection
   * request's prediction carries the flagged label's boxes (the flag's {@code previousLabel} is {@code ""}).
   */
  public static ReviewTask of(ReviewRequest request, TaskImage image) {
    if (request == null) {
      throw new IllegalArgumentException("review request without a value");
    }
    String suggestion = request.getFlag() != null ? request.getFlag().getPreviousLabel() : request.getPrediction().getLabel();
    return new ReviewTask(request.getTaskId(), request.getFrameId(), request.getReason(), request.getPriority(),
        suggestion, request.getPrediction().getScore(), request.getContentType(), image, request.getRequestedAt(),
        request.getFlag() == null ? null : request.getFlag().getFlaggedBy(), boxes(request.getPrediction()));
  }

  private static TaskBoxes boxes(io.labelstream.schemas.avro.Prediction prediction) {
    return prediction.getBoxes() == null ? null
        : new TaskBoxes(prediction.getWidth(), prediction.getHeight(), prediction.getBoxes());
  }
}
