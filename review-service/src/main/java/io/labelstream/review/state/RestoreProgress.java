package io.labelstream.review.state;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How far the rebuild of the review state at start-up has read, in Kafka offsets (records and transaction markers)
 * over every partition of the state topics: what {@code /readyz} and {@code /metrics} show while a long replay runs.
 * Written by the state reader's thread only.
 */
public final class RestoreProgress implements MeterBinder {

  private volatile long read;
  /** -1 until the reader has found where the topics end. */
  private volatile long total = -1;

  /** The reader found {@code total} offsets to read before the state is rebuilt. */
  void started(long total) {
    this.total = total;
  }

  void read(long read) {
    this.read = read;
  }

  public long offsetsRead() {
    return read;
  }

  /** Offsets to read before the state is rebuilt; -1 while not known yet. */
  public long offsetsToRead() {
    return total;
  }

  /** For {@code /readyz}: both figures, so a probe shows a long rebuild moving on. */
  public Map<String, Object> detail() {
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("offsetsRead", read);
    detail.put("offsetsToRead", total);
    return detail;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    Gauge.builder("labelstream.review.state.restore.offsets.read", this, RestoreProgress::offsetsRead)
        .description("Offsets of the state topics read by the rebuild at start-up").register(registry);
    Gauge.builder("labelstream.review.state.restore.offsets.to.read", this, RestoreProgress::offsetsToRead)
        .description("Offsets of the state topics to read before the review state is rebuilt (-1: not known yet)")
        .register(registry);
  }
}
