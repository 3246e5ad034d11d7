package io.labelstream.platform.kafka;

import io.labelstream.schemas.Topic;
import io.labelstream.schemas.avro.DeadLetter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Builds the dead-letter record for a consumed record a stage cannot process. The reason travels in the value and,
 * like Kafka's own dead-letter handlers, in headers, so it can be read without decoding the value.
 */
public final class DeadLetters {

  private DeadLetters() {}

  public static ProducerRecord<String, DeadLetter> of(Topic<String, DeadLetter> deadLetterTopic, String stage,
      ConsumerRecord<String, byte[]> failed, String reason, Throwable error) {
    DeadLetter letter = DeadLetter.newBuilder()
        .setStage(stage)
        .setReason(reason)
        .setErrorClass(error == null ? null : error.getClass().getName())
        .setSourceTopic(failed.topic())
        .setSourcePartition(failed.partition())
        .setSourceOffset(failed.offset())
        .setKey(failed.key())
        .setOriginal(failed.value() == null ? null : ByteBuffer.wrap(failed.value()))
        .setFailedAt(Instant.now())
        .build();
    ProducerRecord<String, DeadLetter> record = new ProducerRecord<>(deadLetterTopic.name(), failed.key(), letter);
    record.headers()
        .add("dlq.stage", utf8(stage))
        .add("dlq.reason", utf8(reason))
        .add("dlq.source.topic", utf8(failed.topic()))
        .add("dlq.source.partition", utf8(Integer.toString(failed.partition())))
        .add("dlq.source.offset", utf8(Long.toString(failed.offset())));
    if (error != null) {
      record.headers().add("dlq.exception.class", utf8(error.getClass().getName()));
    }
    return record;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
