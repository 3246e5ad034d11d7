package io.labelstream.inference.worker;

import io.labelstream.inference.image.FrameDecoder;
import io.labelstream.inference.image.FramePlacement;
import io.labelstream.inference.image.InputStatistics;
import io.labelstream.inference.store.FrameImages;
import io.labelstream.inference.store.UnusableImageException;
import io.labelstream.platform.store.FrameStoreException;
import io.labelstream.schemas.Topics;
import io.labelstream.schemas.avro.Frame;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * One consumed record after decoding: the frame and its model input, why it cannot be used, or that it must wait for
 * the frame store.
 *
 * @param frame null when decoding failed; its {@code imageRef} is the reference the records written for it carry
 * @param pixels the model input, null when decoding failed
 * @param placement where the frame went in the model input (what a detector's boxes are mapped back with), null
 *     when decoding failed
 * @param statistics what the model sees, measured here on the decode pool rather than on the model thread; null
 *     when decoding failed
 * @param failure why the record goes to the dead-letter topic, or (when {@code storeDown}) why it cannot be read now;
 *     null when it decoded
 * @param storeDown true when the frame store did not answer: the frame is neither used nor given up, its batch is
 *     tried again once the store is back
 * @param decodeNanos time spent getting the image, deserialising and decoding
 */
record DecodedFrame(ConsumerRecord<String, byte[]> source, Frame frame, float[] pixels, FramePlacement placement,
    InputStatistics statistics, String failure, Exception cause, boolean storeDown, long decodeNanos) {

  boolean ok() {
    return failure == null;
  }

  /**
   * Deserialises the Avro frame, gets its image (inline, or from the frame store) and decodes it; never throws. Runs
   * on the decode pool.
   */
  static DecodedFrame decode(ConsumerRecord<String, byte[]> record, FrameImages images, FrameDecoder decoder) {
    long start = System.nanoTime();
    Frame frame;
    FrameImages.FrameImage image;
    try {
      frame = Topics.FRAMES.valueSerde().deserializer().deserialize(record.topic(), record.value());
      if (frame == null) {
        throw new IllegalArgumentException("the record has no value");
      }
    } catch (Exception e) {
      return failed(record, "cannot decode frame: " + e.getMessage(), e, start);
    }
    try {
      image = images.of(frame);
    } catch (FrameStoreException e) {
      return new DecodedFrame(record, null, null, null, null, "the frame store is unavailable: " + e.getMessage(), e,
          true, System.nanoTime() - start);
    } catch (UnusableImageException e) {
      return failed(record, "cannot read frame image: " + e.getMessage(), e, start);
    }
    // The reference travels on with the frame: its label and review request say where the image is kept.
    frame.setImageRef(image.ref());
    try {
      FrameDecoder.Measured measured = decoder.decodeMeasured(image.bytes());
      return new DecodedFrame(record, frame, measured.fitted().tensor(), measured.fitted().placement(),
          measured.statistics(), null, null, false, System.nanoTime() - start);
    } catch (Exception e) {
      return failed(record, "cannot decode frame: " + e.getMessage(), e, start);
    }
  }

  private static DecodedFrame failed(ConsumerRecord<String, byte[]> record, String reason, Exception e, long start) {
    return new DecodedFrame(record, null, null, null, null, reason, e, false, System.nanoTime() - start);
  }
}
