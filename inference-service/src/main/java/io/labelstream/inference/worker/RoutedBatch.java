package io.labelstream.inference.worker;

import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * What one batch produces: the records to send in its transaction (dead letters included) and when each routed
 * frame was ingested, to measure end-to-end latency once the transaction commits; or, when {@code storeOutage} is
 * set, nothing at all: a frame's image could not be read because the frame store is down, and the whole batch must be
 * tried again.
 *
 * @param storeOutage why the frame store could not be read, null when the batch was routed
 */
record RoutedBatch(FrameBatch batch, List<ProducerRecord<String, Object>> records, List<Instant> ingestedAt,
    String storeOutage) {

  RoutedBatch(FrameBatch batch, List<ProducerRecord<String, Object>> records, List<Instant> ingestedAt) {
    this(batch, records, ingestedAt, null);
  }

  /** A batch that waits for the frame store: nothing of it is written, nothing of it committed. */
  static RoutedBatch waitForStore(FrameBatch batch, String reason) {
    return new RoutedBatch(batch, List.of(), List.of(), reason);
  }
}
