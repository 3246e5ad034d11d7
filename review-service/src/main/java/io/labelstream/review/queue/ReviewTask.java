package io.labelstream.review.queue;

import io.labelstream.schemas.avro.ReviewReason;
import java.time.Instant;

/**
 * One frame waiting for a person, as the queue keeps it.
 *
 * @param suggestion the model's predicted class name
 * @param confidence the model's routing score for that class
 */
public record ReviewTask(String taskId, String frameId, ReviewReason reason, double priority, String suggestion,
    double confidence, String contentType, byte[] image, Instant requestedAt) {}
