package io.labelstream.platform.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labelstream.schemas.avro.ImageRef;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store's meters as /metrics shows them, names included. */
class MeteredFrameStoreTest {

  @TempDir
  Path root;

  @Test
  void shouldShowEveryOutcomeFromZeroAndACorruptReadAsSoonAsItHappens() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    FrameStore store = new MeteredFrameStore(new FileFrameStore(root), registry);

    assertThat(registry.scrape())
        .contains("labelstream_frame_store_requests_total{operation=\"get\",outcome=\"corrupt\"} 0")
        .contains("labelstream_frame_store_requests_total{operation=\"put\",outcome=\"unavailable\"} 0");

    ImageRef ref = store.put(new byte[] {1, 2, 3}, "image/png");
    store.get(ref);
    Files.write(root.resolve(ref.getKey()), new byte[] {1, 2, 4});
    assertThatThrownBy(() -> store.get(ref)).isInstanceOf(FrameStoreException.class);

    assertThat(registry.scrape())
        .contains("labelstream_frame_store_requests_total{operation=\"put\",outcome=\"ok\"} 1")
        .contains("labelstream_frame_store_requests_total{operation=\"get\",outcome=\"ok\"} 1")
        .contains("labelstream_frame_store_requests_total{operation=\"get\",outcome=\"corrupt\"} 1")
        .contains("labelstream_frame_store_bytes_total{operation=\"put\"} 3")
        .contains("labelstream_frame_store_bytes_total{operation=\"get\"} 3")
        .contains("labelstream_frame_store_request_time_seconds_count{operation=\"get\",outcome=\"corrupt\"} 1");
  }
}
