package io.labelstream.ingest.auth;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * One token bucket per sender: a sender may upload {@code framesPerSecond} on average and {@code burst} at once, so
 * one fleet (or one stolen token) cannot take the whole ingest from the others. The buckets live in this process:
 * with several ingest replicas each grants the rate.
 */
public final class SenderRates {

  /** Whether frames may go now; if not, how long until they could. */
  public record Decision(boolean allowed, long retryAfterSeconds) {}

  private final double framesPerSecond;
  private final int burst;
  private final LongSupplier nanoClock;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

  public SenderRates(double framesPerSecond, int burst) {
    this(framesPerSecond, burst, System::nanoTime);
  }

  /** Widened for tests: a clock they move. */
  SenderRates(double framesPerSecond, int burst, LongSupplier nanoClock) {
    this.framesPerSecond = framesPerSecond;
    this.burst = burst;
    this.nanoClock = nanoClock;
  }

  /** Takes {@code frames} from the sender's bucket if they are all there; takes nothing otherwise. */
  public Decision take(Sender sender, int frames) {
    // Senders are the configured ones, so the map is bounded by INGEST_TOKENS.
    return buckets.computeIfAbsent(sender.name(), name -> new Bucket(burst, nanoClock.getAsLong())).take(frames);
  }

  private final class Bucket {
    private double available;
    private long refilledAt;

    Bucket(double available, long now) {
      this.available = available;
      this.refilledAt = now;
    }

    synchronized Decision take(int frames) {
      long now = nanoClock.getAsLong();
      available = Math.min(burst, available + (now - refilledAt) / 1e9 * framesPerSecond);
      refilledAt = now;
      if (available >= frames) {
        available -= frames;
        return new Decision(true, 0);
      }
      double missing = Math.min(frames, burst) - available;
      return new Decision(false, Math.max(1, (long) Math.ceil(missing / framesPerSecond)));
    }
  }
}
