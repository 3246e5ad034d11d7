package io.labelstream.review.http;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.labelstream.platform.auth.BearerTokens;
import io.labelstream.platform.http.ApiException;
import io.labelstream.review.partitioned.FinalLabels;
import io.labelstream.schemas.avro.Label;
import java.util.Optional;

/**
 * Where another review instance asks this one for the final label of a frame it owns ({@link FinalLabels}): with the
 * cluster's token, not a reviewer's. 404 when the frame has no label, 421 when this instance does not own it (any
 * more), and the label in its stored form otherwise.
 */
public final class InternalLabelsApi {

  private final FinalLabels labels;

  public InternalLabelsApi(FinalLabels labels) {
    this.labels = labels;
  }

  public void register(Javalin app) {
    app.get(FinalLabels.INTERNAL_PATH + "{frameId}", this::label);
  }

  private void label(Context ctx) {
    String token = BearerTokens.fromAuthorization(ctx.header("Authorization")).orElse(null);
    if (!labels.fromCluster(token)) {
      throw new ApiException(401, "unauthorized", "this endpoint is for review instances: send the cluster's token");
    }
    Optional<Label> label = labels.ownLabel(ctx.pathParam("frameId"))
        .orElseThrow(() -> new ApiException(421, "not_owner", "this instance does not keep that frame"));
    Label found = label.orElseThrow(() -> new ApiException(404, "label_not_found", "the frame has no label yet"));
    ctx.contentType("application/octet-stream").result(FinalLabels.encoded(found));
  }
}
