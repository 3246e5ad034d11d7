package io.labelstream.ingest.metrics;

import io.labelstream.ingest.auth.Sender;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * Domain meters of the ingest service: frames accepted, rejected by reason, and answered as duplicates; and per
 * sender (tagged with the sender's name from INGEST_TOKENS, never its token) frames accepted and refused; and, with a
 * frame store, how long its writes take and how they end.
 */
public final class IngestMetrics implements MeterBinder {

  private MeterRegistry registry;
  private Counter accepted;
  private Counter duplicates;
  private DistributionSummary frameBytes;

  @Override
  public void bindTo(MeterRegistry registry) {
    this.registry = registry;
    this.accepted = Counter.builder("labelstream.ingest.frames.accepted")
        .description("Frames acknowledged by Kafka and answered 202").register(registry);
    this.duplicates = Counter.builder("labelstream.ingest.frames.duplicate")
        .description("Retries answered from an earlier write of the same Idempotency-Key").register(registry);
    this.frameBytes = DistributionSummary.builder("labelstream.ingest.frame.size").baseUnit("bytes")
        .description("Size of accepted images").register(registry);
  }

  /**
   * Bytes of upload bodies being read now, room taken before their first byte arrives: at the budget, uploads are
   * refused with {@code ingest_busy}.
   */
  public void bodiesBeingRead(IntSupplier bytes) {
    Gauge.builder("labelstream.ingest.body.reading", bytes::getAsInt).baseUnit("bytes")
        .description("Room taken by upload bodies being read (INGEST_MAX_IN_FLIGHT_BYTES is the budget)")
        .register(registry);
  }

  /**
   * One put to the frame store, ended after {@code nanos}.
   *
   * @param outcome {@code stored}, or {@code unavailable} when the store refused or failed
   */
  public void storeWrite(String outcome, long nanos) {
    Timer.builder("labelstream.ingest.store.write")
        .description("Puts of accepted images to the frame store, by outcome")
        .tag("outcome", outcome)
        .publishPercentiles(0.5, 0.99)
        .register(registry)
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  /** An answer that stopped waiting for the store (503); the put itself may still end either way. */
  public void storeTimedOut() {
    Counter.builder("labelstream.ingest.store.timeouts")
        .description("Uploads answered 503 because the frame store did not answer in time")
        .register(registry)
        .increment();
  }

  public void accepted(int bytes) {
    accepted.increment();
    frameBytes.record(bytes);
  }

  /** Frames of one sender that Kafka did not take (503, 413 from Kafka). */
  public void senderRefused(String sender, int frames) {
    senderFrames(sender, "refused").increment(frames);
  }

  /** Frames of one sender answered 202 (duplicates included). */
  public void senderAccepted(String sender, int frames) {
    senderFrames(sender, "accepted").increment(frames);
  }

  public void duplicate() {
    duplicates.increment();
  }

  /**
   * A refused request; counted against its sender too when it had authenticated ({@code sender} null otherwise).
   *
   * @param frames how many frames the request held, as far as known (1 before a batch's parts are read)
   */
  public void rejected(String reason, Sender sender, int frames) {
    rejected(reason);
    if (sender != null) {
      senderFrames(sender.name(), "refused").increment(frames);
    }
  }

  private Counter senderFrames(String sender, String outcome) {
    return Counter.builder("labelstream.ingest.sender.frames")
        .description("Frames per sender, accepted (202) or refused (any error, the rate limit's and daily quota's 429 included)")
        .tag("sender", sender)
        .tag("outcome", outcome)
        .register(registry);
  }

  public void rejected(String reason) {
    Counter.builder("labelstream.ingest.frames.rejected")
        .description("Requests refused, by error code")
        .tag("reason", reason)
        .register(registry)
        .increment();
  }
}
