package io.labelstream.launcher.bench;

import io.labelstream.launcher.SampleFrames;
import io.labelstream.schemas.FleetFrameProducer;
import io.labelstream.schemas.Topics;
import io.labelstream.schemas.avro.Frame;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/** The bundled sample PNGs, cycled to as many frames as a run needs, each with its own frameId. */
final class BenchFrames {

  private final List<byte[]> pngs;

  private BenchFrames(List<byte[]> pngs) {
    this.pngs = pngs;
  }

  static BenchFrames load(Path samples) throws IOException {
    List<byte[]> pngs = new ArrayList<>();
    for (SampleFrames.Sample sample : SampleFrames.load(samples)) {
      pngs.add(sample.bytes());
    }
    return new BenchFrames(pngs);
  }

  byte[] png(int i) {
    return pngs.get(i % pngs.size());
  }

  int distinct() {
    return pngs.size();
  }

  Frame frame(String run, int i) {
    return FleetFrameProducer.frame("bench", "bench", run + "-" + i, "image/png", png(i), 28, 28, Instant.now());
  }

  /** Size of an encoded frames.v1 record value, averaged over the samples: the stock producer sends this size. */
  int averageRecordBytes() {
    long total = 0;
    for (int i = 0; i < pngs.size(); i++) {
      total += Topics.FRAMES.valueSerde().serializer().serialize(Topics.FRAMES.name(), frame("size", i)).length;
    }
    return (int) (total / pngs.size());
  }

  /** Writes {@code n} frames to frames.v1 as fast as the producer goes, and waits for all acknowledgements. */
  void prefill(String bootstrapServers, String run, int n) {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    // One request in flight: on a brand-new partition Kafka 4.4 can bounce a first batch and accept the next, then
    // reject the first batch's retries for ever (KAFKA-15591), losing frames the run would wait for.
    config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
    java.util.concurrent.atomic.AtomicReference<Exception> failure = new java.util.concurrent.atomic.AtomicReference<>();
    try (KafkaProducer<String, Frame> producer = new KafkaProducer<>(config, Topics.FRAMES.keySerde().serializer(),
        Topics.FRAMES.valueSerde().serializer())) {
      for (int i = 0; i < n; i++) {
        Frame frame = frame(run, i);
        producer.send(new ProducerRecord<>(Topics.FRAMES.name(), frame.getFrameId(), frame), (metadata, error) -> {
          if (error != null) {
            failure.compareAndSet(null, error);
          }
        });
      }
      producer.flush();
    }
    if (failure.get() != null) {
      throw new IllegalStateException("pre-filling frames.v1 failed: " + failure.get(), failure.get());
    }
  }
}
