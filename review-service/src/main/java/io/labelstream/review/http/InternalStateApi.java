package io.labelstream.review.http;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.labelstream.platform.auth.BearerTokens;
import io.labelstream.platform.http.ApiException;
import io.labelstream.review.partitioned.ClusterPeers;
import io.labelstream.review.partitioned.FinalLabels;
import io.labelstream.review.partitioned.FleetStats;
import io.labelstream.review.partitioned.FrameHistories;
import java.util.Optional;
import java.util.function.Function;

/**
 * Where another review instance asks this one for what it keeps of a frame it owns, the final label
 * ({@link FinalLabels}) or the history ({@link FrameHistories}), or for the statistics of the partitions it counts
 * ({@link FleetStats}): with the cluster's token, not a reviewer's. For a frame: 404 when nothing is kept of it, 421
 * when this instance does not own it (any more), and what is kept in its stored form otherwise.
 */
public final class InternalStateApi {

  private final ClusterPeers peers;
  private final FinalLabels labels;
  private final FrameHistories histories;
  private final FleetStats stats;

  public InternalStateApi(ClusterPeers peers, FinalLabels labels, FrameHistories histories, FleetStats stats) {
    this.peers = peers;
    this.labels = labels;
    this.histories = histories;
    this.stats = stats;
  }

  public void register(Javalin app) {
    app.get(FinalLabels.INTERNAL_PATH + "{frameId}", ctx -> answer(ctx, labels::ownLabel, FinalLabels::encoded));
    app.get(FrameHistories.INTERNAL_PATH + "{frameId}",
        ctx -> answer(ctx, histories::ownHistory, FrameHistories::encoded));
    app.get(FleetStats.INTERNAL_PATH, ctx -> {
      requireCluster(ctx);
      ctx.contentType("application/octet-stream").result(stats.encodedOwn());
    });
  }

  private void requireCluster(Context ctx) {
    String token = BearerTokens.fromAuthorization(ctx.header("Authorization")).orElse(null);
    if (!peers.fromCluster(token)) {
      throw new ApiException(401, "unauthorized", "this endpoint is for review instances: send the cluster's token");
    }
  }

  private <T> void answer(Context ctx, Function<String, Optional<Optional<T>>> own, Function<T, byte[]> encode) {
    requireCluster(ctx);
    Optional<T> kept = own.apply(ctx.pathParam("frameId"))
        .orElseThrow(() -> new ApiException(421, "not_owner", "this instance does not keep that frame"));
    T found = kept.orElseThrow(() -> new ApiException(404, "not_found", "nothing is kept of that frame yet"));
    ctx.contentType("application/octet-stream").result(encode.apply(found));
  }
}
