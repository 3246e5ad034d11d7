package io.labelstream.review.queue;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelstream.review.ReviewFixtures;
import io.labelstream.schemas.Topics;
import io.labelstream.schemas.avro.ReviewRequest;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** What an open review task costs the review service's heap: its image stays in Kafka, whatever its size. */
class OpenTaskMemoryTest {

  private static final int PADDED_SIZE = 10 * 1024 * 1024;

  @Test
  void shouldNotKeepTheBytesOfThirtyTenMebibyteLowConfidenceFramesQueuedForReview() {
    TaskQueue queue = new TaskQueue(Clock.systemUTC(), Duration.ofSeconds(60), QueueOrder.UNCERTAINTY, "test",
        lease -> {}, lease -> {});
    for (int i = 0; i < 30; i++) {
      // The finding: a 28x28 PNG padded with zeros to 10 MiB, accepted by ingest and routed to review.
      ReviewRequest request = ReviewFixtures.request(ReviewFixtures.newFrameId(), "Coat", 0.3, i);
      request.setImage(ByteBuffer.wrap(padded(ReviewFixtures.samplePng(i))));
      ConsumerRecord<String, byte[]> record = new ConsumerRecord<>(Topics.REVIEW_REQUESTS.name(), 0, 1000 + i,
          request.getFrameId(), new byte[0]);
      queue.offer(ReviewTask.read(record, request));
    }

    assertThat(queue.openCount()).isEqualTo(30);
    assertThat(queue.heldImageBytes()).isZero();
  }

  private static byte[] padded(byte[] png) {
    byte[] padded = new byte[PADDED_SIZE];
    System.arraycopy(png, 0, padded, 0, png.length);
    return padded;
  }
}
