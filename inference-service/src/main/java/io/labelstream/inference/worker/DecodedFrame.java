package io.labelstream.inference.worker;

import io.labelstream.inference.image.FrameDecoder;
import io.labelstream.platform.kafka.AvroBytes;
import io.labelstream.schemas.Topics;
import io.labelstream.schemas.avro.Frame;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * One consumed record after decoding: the frame and its model input, or why it cannot be used.
 *
 * @param frame null when decoding failed
 * @param pixels the model input (raw grey values), null when decoding failed
 * @param failure why the record goes to the dead-letter topic, null when it decoded
 * @param decodeNanos time spent deserialising and decoding
 */
record DecodedFrame(ConsumerRecord<String, byte[]> source, Frame frame, float[] pixels, String failure,
    Exception cause, long decodeNanos) {

  boolean ok() {
    return failure == null;
  }

  /** Deserialises the Avro frame and decodes its image; never throws. Runs on the decode pool. */
  static DecodedFrame decode(ConsumerRecord<String, byte[]> record, FrameDecoder decoder) {
    long start = System.nanoTime();
    try {
      Frame frame = Topics.FRAMES.valueSerde().deserializer().deserialize(record.topic(), record.value());
      if (frame == null) {
        throw new IllegalArgumentException("the record has no value");
      }
      float[] pixels = decoder.decode(AvroBytes.copy(frame.getImage()));
      return new DecodedFrame(record, frame, pixels, null, null, System.nanoTime() - start);
    } catch (Exception e) {
      return new DecodedFrame(record, null, null, "cannot decode frame: " + e.getMessage(), e, System.nanoTime() - start);
    }
  }
}
