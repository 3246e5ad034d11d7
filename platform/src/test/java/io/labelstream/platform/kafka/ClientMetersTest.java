package io.labelstream.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class ClientMetersTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @Test
  void shouldDescribeTheProducerItFollowsAndNothingOfTheOneBefore() {
    ClientMeters meters = ClientMeters.of(producer("first", 1.0));
    meters.bindTo(registry);
    assertThat(bufferAvailable()).isEqualTo(1.0);

    meters.follow(producer("second", 2.0));

    assertThat(registry.find("kafka.producer.buffer.available.bytes").gauges()).hasSize(1);
    assertThat(bufferAvailable()).isEqualTo(2.0);
  }

  @Test
  void shouldRemoveItsMetersWhenClosed() {
    ClientMeters meters = ClientMeters.of(producer("first", 1.0));
    meters.bindTo(registry);

    meters.close();

    assertThat(registry.find("kafka.producer.buffer.available.bytes").gauges()).isEmpty();
  }

  private double bufferAvailable() {
    Gauge gauge = registry.get("kafka.producer.buffer.available.bytes").gauge();
    return gauge.value();
  }

  /** A producer with one metric, as KafkaProducer names it; the same client id, as a replacement has. */
  private static MockProducer<String, String> producer(String which, double value) {
    MockProducer<String, String> producer = new MockProducer<>(true, null, new StringSerializer(), new StringSerializer());
    MetricName name = new MetricName("buffer-available-bytes", "producer-metrics", which,
        Map.of("client-id", "labelstream-test-writer-w1"));
    producer.setMockMetrics(name, new Metric() {
      @Override
      public MetricName metricName() {
        return name;
      }

      @Override
      public Object metricValue() {
        return value;
      }
    });
    return producer;
  }
}
