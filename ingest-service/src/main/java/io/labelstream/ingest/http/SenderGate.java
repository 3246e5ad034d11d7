package io.labelstream.ingest.http;

import io.javalin.http.Context;
import io.labelstream.ingest.auth.Sender;
import io.labelstream.ingest.auth.SenderQuotas;
import io.labelstream.ingest.auth.SenderRates;
import io.labelstream.ingest.config.IngestConfig;
import io.labelstream.platform.auth.BearerTokens;
import io.labelstream.platform.http.ApiException;

/**
 * Who may upload, and how fast: {@link #authenticate} finds the sender behind {@code Authorization: Bearer <token>}
 * before a byte of the body is read (401 otherwise), {@link #admit} takes the request's frames from the sender's
 * daily quota and rate (429 with Retry-After when they are not there), so one sender over its rate or quota never
 * slows the others.
 */
final class SenderGate {

  private final BearerTokens<Sender> tokens;
  private final SenderRates rates;
  private final SenderQuotas quotas;

  SenderGate(IngestConfig config) {
    this.tokens = config.senders();
    this.rates = new SenderRates(config.senderFramesPerSecond(), config.senderBurst());
    this.quotas = new SenderQuotas(config.senderDailyFrames());
  }

  Sender authenticate(Context ctx) {
    String token = BearerTokens.fromAuthorization(ctx.header("Authorization"))
        .orElseThrow(() -> new ApiException(401, "unauthorized", "send Authorization: Bearer <token>"));
    return tokens.find(token).orElseThrow(() -> new ApiException(401, "unauthorized", "the bearer token is not valid"));
  }

  /** Takes the frames from both the quota and the rate, or from neither: a refused request spends nothing. */
  void admit(Sender sender, int frames) {
    SenderQuotas.Decision quota = quotas.take(sender, frames);
    if (!quota.allowed()) {
      throw ApiException.tooManyRequests("quota_exceeded", "sender " + sender.name() + " has used its quota of "
          + "frames for today (INGEST_SENDER_DAILY_FRAMES, per UTC day); retry after " + quota.retryAfterSeconds()
          + " s", (int) Math.min(Integer.MAX_VALUE, quota.retryAfterSeconds()));
    }
    SenderRates.Decision decision = rates.take(sender, frames);
    if (!decision.allowed()) {
      quotas.giveBack(sender, quota, frames);
      throw ApiException.tooManyRequests("rate_limited", "sender " + sender.name() + " is over its rate of frames "
          + "(INGEST_SENDER_FRAMES_PER_SECOND, INGEST_SENDER_BURST); retry after " + decision.retryAfterSeconds()
          + " s", (int) Math.min(Integer.MAX_VALUE, decision.retryAfterSeconds()));
    }
  }
}
