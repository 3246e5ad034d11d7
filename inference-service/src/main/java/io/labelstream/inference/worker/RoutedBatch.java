package io.labelstream.inference.worker;

import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * What one batch produces: the records to send in its transaction (dead letters included) and when each routed
 * frame was ingested, to measure end-to-end latency once the transaction commits.
 */
record RoutedBatch(FrameBatch batch, List<ProducerRecord<String, Object>> records, List<Instant> ingestedAt) {}
