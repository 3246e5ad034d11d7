package io.labelstream.inference.routing;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Picks the blind audits: a frame the model labels is also sent to people when a hash of its frameId falls below
 * the audit rate. The choice is a uniform random sample (frame ids are random or hashed), independent of the
 * score and of whether the model is right, which is what makes audits an unbiased sample of model labels; and it
 * is deterministic, so a retried transaction makes the same choice.
 */
public final class AuditSampler {

  private final double rate;

  public AuditSampler(double rate) {
    if (!(rate >= 0.0 && rate <= 1.0)) {
      throw new IllegalArgumentException("audit rate must be within [0, 1], got " + rate);
    }
    this.rate = rate;
  }

  public double rate() {
    return rate;
  }

  public boolean audits(String frameId) {
    return audits(frameId, 0.0);
  }

  /**
   * The draw at the greater of this sampler's rate and {@code floor} (the policy's audit rate for the frame's scope).
   * A frame's draw is the same number whatever the rate, so raising it only adds audits: every frame audited at the
   * lower rate is still audited. A floor that is not a number leaves this sampler's rate.
   */
  public boolean audits(String frameId, double floor) {
    double effective = floor > rate ? floor : rate;
    return effective > 0 && uniform(frameId) < effective;
  }

  /**
   * The queue priority of an audit task: spread over the range low-confidence tasks occupy (1 - score, below 0.5 for
   * a routed top-1 class), so audits sit among them and cannot be told apart by their position in the queue.
   */
  public double priority(String frameId) {
    return 0.5 * uniform("priority:" + frameId);
  }

  /** A number in [0, 1) derived from the frame id, uniformly distributed over frame ids. */
  static double uniform(String frameId) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(("audit:" + frameId).getBytes(StandardCharsets.UTF_8));
      long bits = 0;
      for (int i = 0; i < 7; i++) {
        bits = (bits << 8) | (digest[i] & 0xFF);
      }
      return bits / (double) (1L << 56);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}
