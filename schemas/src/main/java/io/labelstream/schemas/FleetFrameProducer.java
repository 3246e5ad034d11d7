package io.labelstream.schemas;

import io.labelstream.schemas.avro.Frame;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;

/**
 * For fleets that produce frames straight to Kafka instead of posting them over HTTP. Inference treats these
 * frames exactly like ingested ones.
 *
 * <pre>{@code
 * try (var fleet = new FleetFrameProducer(Map.of("bootstrap.servers", "kafka:9092"))) {
 *   String frameId = fleet.send("car-17", "front", "frame-000123", "image/png", pngBytes, 28, 28);
 * }
 * }</pre>
 *
 * Sends are idempotent (acks=all, enable.idempotence) and {@link #send} returns only after the broker acknowledged
 * the write. The same device and idempotency key always yield the same frameId. Any other Kafka client setting
 * (TLS, SASL, max.request.size for very large frames) can be passed in the config map.
 */
public final class FleetFrameProducer implements AutoCloseable {

  private final KafkaProducer<String, Frame> producer;

  public FleetFrameProducer(Map<String, Object> kafkaConfig) {
    Map<String, Object> config = ProducerDefaults.reliableOneInFlight();
    config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 11 * 1024 * 1024);
    config.putAll(kafkaConfig);
    this.producer = new KafkaProducer<>(config, Topics.FRAMES.keySerde().serializer(), Topics.FRAMES.valueSerde().serializer());
  }

  /**
   * Builds the Frame record a fleet sends; width and height are the image's own. With an idempotency key the frameId
   * is the public derivation of device and key ({@link FrameIds#forIdempotencyKey}): a fleet that may write to
   * Kafka names its frames as it likes anyway.
   */
  public static Frame frame(String deviceId, String cameraId, String idempotencyKey, String contentType, byte[] image,
      int width, int height, Instant capturedAt) {
    return frame(deviceId, cameraId, idempotencyKey, contentType, image, width, height, 0, capturedAt);
  }

  /**
   * The same, saying what the image is: {@code channels} 1 for grey, 3 for colour, 0 when the fleet does not know
   * (see the Frame schema's {@code channels}).
   */
  @SuppressWarnings("deprecation")
  public static Frame frame(String deviceId, String cameraId, String idempotencyKey, String contentType, byte[] image,
      int width, int height, int channels, Instant capturedAt) {
    String frameId = idempotencyKey == null ? FrameIds.random() : FrameIds.forIdempotencyKey(deviceId, idempotencyKey);
    Instant now = Instant.now();
    return Frame.newBuilder()
        .setFrameId(frameId)
        .setDeviceId(deviceId)
        .setCameraId(cameraId)
        .setCapturedAt(capturedAt)
        .setIngestedAt(now)
        .setContentType(contentType)
        .setWidth(width)
        .setHeight(height)
        .setChannels(channels)
        .setImage(ByteBuffer.wrap(image))
        .setAttributes(Map.of("source", "kafka-client"))
        .build();
  }

  /** Sends one frame and waits for the broker's acknowledgement; returns its frameId. */
  public String send(String deviceId, String cameraId, String idempotencyKey, String contentType, byte[] image,
      int width, int height) throws InterruptedException {
    Frame frame = frame(deviceId, cameraId, idempotencyKey, contentType, image, width, height, null);
    return send(frame);
  }

  /** Sends a prepared frame and waits for the broker's acknowledgement; returns its frameId. */
  public String send(Frame frame) throws InterruptedException {
    try {
      producer.send(new ProducerRecord<>(Topics.FRAMES.name(), frame.getFrameId(), frame)).get();
      return frame.getFrameId();
    } catch (ExecutionException e) {
      throw new KafkaException("frame " + frame.getFrameId() + " was not written: " + e.getCause().getMessage(), e.getCause());
    }
  }

  /**
   * Sends prepared frames without waiting between them, then waits until the broker acknowledged every one.
   *
   * @throws KafkaException naming the first frame that was not written, with the broker's reason
   */
  public void sendAll(java.util.List<Frame> frames) throws InterruptedException {
    java.util.List<java.util.concurrent.Future<?>> acks = new java.util.ArrayList<>(frames.size());
    for (Frame frame : frames) {
      acks.add(producer.send(new ProducerRecord<>(Topics.FRAMES.name(), frame.getFrameId(), frame)));
    }
    producer.flush();
    for (int i = 0; i < acks.size(); i++) {
      try {
        acks.get(i).get();
      } catch (ExecutionException e) {
        throw new KafkaException("frame " + frames.get(i).getFrameId() + " was not written: " + e.getCause().getMessage(),
            e.getCause());
      }
    }
  }

  @Override
  public void close() {
    producer.close();
  }
}
