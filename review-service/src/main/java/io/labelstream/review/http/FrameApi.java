package io.labelstream.review.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.labelstream.platform.http.ApiException;
import io.labelstream.review.auth.Role;
import io.labelstream.review.boxes.BoxesJson;
import io.labelstream.review.partitioned.FinalLabels;
import io.labelstream.review.partitioned.FrameHistories;
import io.labelstream.review.partitioned.FrameHistory;
import io.labelstream.schemas.avro.Label;
import io.labelstream.schemas.avro.ReviewRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * A frame's history, and flagging a final label as wrong: the frame goes back to people as a FLAGGED task
 * ({@link FlagRequests}); the answer supersedes the flagged label.
 */
public final class FrameApi {

  private static final int MAX_REASON = 500;

  private final FlagRequests flags;
  private final LeaderForwarding forwarding;
  private final FinalLabels labels;
  private final FrameHistories histories;
  private final BooleanSupplier stateReady;

  public FrameApi(FlagRequests flags, LeaderForwarding forwarding, FinalLabels labels, FrameHistories histories,
      BooleanSupplier stateReady) {
    this.flags = flags;
    this.forwarding = forwarding;
    this.labels = labels;
    this.histories = histories;
    this.stateReady = stateReady;
  }

  public void register(Javalin app) {
    // A flag is a queue change: the queue leader makes it.
    app.before("/v1/labels/{frameId}/flag", forwarding::forwardPostUnlessLeader);
    app.post("/v1/labels/{frameId}/flag", this::flag, Role.REVIEWER, Role.ADMIN);
    app.get("/v1/frames/{frameId}/history", this::history, Role.ADMIN);
  }

  private void flag(Context ctx) {
    if (!stateReady.getAsBoolean()) {
      throw ApiException.unavailable("not_ready", "the review queue is still being rebuilt from Kafka", 2);
    }
    String frameId = ctx.pathParam("frameId");
    String reason = reason(ctx);
    Label current = labels.get(frameId).orElseThrow(() -> new ApiException(404, "label_not_found",
        "frame " + frameId + " has no final label to flag"));
    // 409 already_in_review, the image's refusals; a KafkaException is HttpService's 503 kafka_unavailable
    ReviewRequest request = flags.flag(current, BearerAuth.reviewer(ctx).name(), reason);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("frameId", frameId);
    body.put("taskId", request.getTaskId());
    // Final labels are for admins (GET /v1/labels): a flag must not be a way round that for reviewers.
    if (BearerAuth.reviewer(ctx).role() == Role.ADMIN) {
      body.put("flaggedLabel", current.getLabel());
      if (current.getBoxes() != null) {
        body.put("flaggedBoxes", BoxesJson.of(current.getBoxes()));
      }
    }
    ctx.status(202).json(body);
  }

  private void history(Context ctx) {
    String frameId = ctx.pathParam("frameId");
    FrameHistory history = histories.get(frameId)
        .orElseThrow(() -> new ApiException(404, "frame_not_found", "nothing is known about frame " + frameId));
    List<Map<String, Object>> rows = new ArrayList<>();
    for (FrameHistory.Event event : history.events()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("type", event.type());
      row.put("at", event.at());
      row.put("by", event.by());
      row.put("label", event.label());
      row.putAll(event.details());
      row.put("record", Map.of("topic", event.topic(), "partition", event.partition(), "offset", event.offset()));
      rows.add(row);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("frameId", frameId);
    body.put("frame", history.framePosition().map(p -> (Object) Map.of("topic", p.topic(),
        "partition", p.partition(), "offset", p.offset())).orElse(null));
    body.put("image", history.storedImage().map(i -> (Object) Map.of("store", i.store(), "key", i.key(),
        "size", i.size(), "sha256", i.sha256Hex(), "contentType", i.contentType())).orElse(null));
    body.put("finalLabel", labels.get(frameId).map(l -> (Object) Map.of("label", l.getLabel(),
        "source", l.getSource().name())).orElse(null));
    body.put("events", rows);
    ctx.json(body);
  }

  private static String reason(Context ctx) {
    JsonNode body;
    try {
      body = ctx.bodyAsClass(JsonNode.class);
    } catch (Exception e) {
      throw ApiException.refusalIn(e).orElseGet(() -> new ApiException(400, "invalid_body",
          "the body must be one JSON object like {\"reason\": \"the bag is a shoe\"}, each key once and nothing "
              + "after it"));
    }
    if (body == null || !body.hasNonNull("reason") || !body.get("reason").isTextual()
        || body.get("reason").asText().isBlank() || body.get("reason").asText().length() > MAX_REASON) {
      throw new ApiException(400, "invalid_body", "the body must be JSON like {\"reason\": \"...\"} with a reason of "
          + "1 to " + MAX_REASON + " characters");
    }
    return body.get("reason").asText().strip();
  }
}
