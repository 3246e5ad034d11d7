package io.labelstream.review.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.security.RouteRole;
import io.labelstream.platform.http.ApiException;
import io.labelstream.review.auth.Reviewer;
import io.labelstream.review.auth.Role;
import io.labelstream.review.cluster.QueueWriter;
import io.labelstream.review.metrics.ReviewMetrics;
import io.labelstream.review.policy.PolicyDecision;
import io.labelstream.review.policy.PolicyService;
import io.labelstream.review.queue.Claim;
import io.labelstream.review.queue.GoldTasks;
import io.labelstream.review.queue.Lease;
import io.labelstream.review.queue.ReviewTask;
import io.labelstream.review.queue.TaskQueue;
import io.labelstream.review.state.LabelStore;
import io.labelstream.review.state.PipelineCounts;
import io.labelstream.review.state.ReviewerLedger;
import io.labelstream.schemas.avro.Label;
import io.labelstream.schemas.avro.LabelSource;
import io.labelstream.schemas.avro.ReviewDecision;
import io.labelstream.schemas.avro.ReviewReason;
import io.labelstream.schemas.avro.ReviewResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/** The reviewer API under {@code /v1}; every call needs a bearer token. */
public final class ReviewApi {

  private final TaskQueue queue;
  private final QueueWriter writer;
  private final LeaderForwarding forwarding;
  private final LabelStore labels;
  private final PipelineCounts counts;
  private final ReviewerLedger reviewers;
  private final List<String> classes;
  private final BooleanSupplier stateReady;
  private final ReviewMetrics metrics;
  private final Clock clock;
  private final PolicyService policy;
  private final GoldTasks gold;

  public ReviewApi(TaskQueue queue, QueueWriter writer, LeaderForwarding forwarding, LabelStore labels,
      PipelineCounts counts, ReviewerLedger reviewers, List<String> classes, BooleanSupplier stateReady, ReviewMetrics metrics, Clock clock,
      PolicyService policy, GoldTasks gold) {
    this.queue = queue;
    this.writer = writer;
    this.forwarding = forwarding;
    this.labels = labels;
    this.counts = counts;
    this.reviewers = reviewers;
    this.classes = List.copyOf(classes);
    this.stateReady = stateReady;
    this.metrics = metrics;
    this.clock = clock;
    this.policy = policy;
    this.gold = gold;
  }

  /** Every signed-in reviewer or admin. */
  private static final RouteRole[] ANYONE = {Role.REVIEWER, Role.ADMIN};

  public void register(Javalin app, BearerAuth auth) {
    ReviewErrors.register(app);
    app.before(PageSecurityPolicy::apply);
    app.before("/v1/*", auth::authenticate);
    app.beforeMatched(auth::authorize);
    // Queue changes are made by the queue leader only; another instance passes them on (see cluster.LeaderElection).
    app.before("/v1/tasks/*", forwarding::forwardUnlessLeader);
    app.post("/v1/tasks/claim", this::claim, ANYONE);
    app.post("/v1/tasks/{taskId}/heartbeat", this::heartbeat, ANYONE);
    app.post("/v1/tasks/{taskId}/submit", this::submit, ANYONE);
    app.post("/v1/tasks/{taskId}/release", this::release, ANYONE);
    app.post("/v1/tasks/{taskId}/skip", this::skip, ANYONE);
    // Final labels are for admins: a reviewer who could read them could tell a blind audit (its frame already has a
    // MODEL label) and see the answer it hides.
    app.get("/v1/labels/{frameId}", this::label, Role.ADMIN);
    app.get("/v1/stats", this::stats, ANYONE);
    app.get("/v1/tasks/peek", this::peek, ANYONE);
    app.get("/v1/me", this::me, ANYONE);
  }

  private void claim(Context ctx) {
    requireStateReady();
    Reviewer reviewer = BearerAuth.reviewer(ctx);
    Optional<Claim> claim = queue.claim(reviewer.name());
    metrics.askedForTask(reviewer.name(), claim.isPresent());
    if (claim.isEmpty()) {
      ctx.status(204);
      return;
    }
    ReviewTask task = claim.get().task();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("taskId", task.taskId());
    body.put("frameId", task.frameId());
    body.put("imageUrl", "/v1/frames/" + task.frameId() + "/image");
    // A blind audit (and a gold task, which looks like one) shows no suggestion, so the answer is not anchored on it.
    body.put("suggestion", task.reason() == ReviewReason.AUDIT || task.reason() == ReviewReason.GOLD ? null
        : Map.of("label", task.suggestion(), "confidence", task.confidence()));
    body.put("classes", classes);
    body.put("leaseExpiresAt", claim.get().lease().expiresAt());
    ctx.json(body);
  }

  private void submit(Context ctx) {
    requireStateReady();
    Reviewer reviewer = BearerAuth.reviewer(ctx);
    String taskId = ctx.pathParam("taskId");
    String label = requestedLabel(ctx);
    int classIndex = classes.indexOf(label);
    if (classIndex < 0) {
      throw new ApiException(400, "unknown_class", "'" + label + "' is not one of " + classes);
    }
    TaskQueue.Submitted submitted = queue.submit(taskId, reviewer.name(), label, reviewer.role() == Role.ADMIN,
        (task, lease, verdict) -> {
          Instant now = clock.instant();
          boolean gold = task.reason() == ReviewReason.GOLD;
          ReviewResult result = ReviewResult.newBuilder()
              .setTaskId(task.taskId())
              .setFrameId(task.frameId())
              .setReviewerId(reviewer.name())
              .setLabel(label)
              .setClassIndex(classIndex)
              .setDecision(label.equals(task.suggestion()) ? ReviewDecision.ACCEPTED : ReviewDecision.CORRECTED)
              .setReason(task.reason())
              .setAgreedWithModel(gold ? null : label.equals(task.suggestion()))
              .setTimeSpentMs(Duration.between(lease.claimedAt(), now).toMillis())
              .setSubmittedAt(now)
              .setDecides(verdict.decides())
              .setCorrect(gold ? this.gold.labelFor(task.taskId()).map(label::equals).orElse(null) : null)
              .build();
          // A gold answer measures the reviewer and makes no label; an answer that awaits others makes none yet.
          Label human = gold || !verdict.decides() ? null : Label.newBuilder()
              .setFrameId(task.frameId())
              .setLabel(verdict.label())
              .setClassIndex(classes.indexOf(verdict.label()))
              .setSource(LabelSource.HUMAN)
              .setReviewerIds(verdict.agreeing())
              .setTaskId(task.taskId())
              .setLabelledAt(now)
              // The request's image reference: a dataset export finds the image by it after frames.v1 dropped it.
              .setImageRef(task.image().stored() == null ? null : task.image().stored().ref())
              .build();
          writer.answer(result, human);
          if (human != null) {
            labels.put(human);
          }
          metrics.submitted(reviewer.name(), task.reason(), result.getDecision());
          return result;
        });
    ReviewResult result = submitted.result();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("taskId", result.getTaskId());
    body.put("frameId", result.getFrameId());
    body.put("label", result.getLabel());
    // Whether the answer matched the model is an audit's outcome against its hidden label: only admins are told.
    if (reviewer.role() == Role.ADMIN) {
      body.put("decision", result.getDecision().name());
    }
    body.put("settled", settled(result));
    body.put("repeated", submitted.repeated());
    ctx.json(body);
  }

  /**
   * Whether the answer settled its task. A gold answer always does, but says what an audit's answer would say when
   * audits need several answers (not yet), so that {@code settled} does not single gold tasks out.
   */
  private boolean settled(ReviewResult result) {
    if (result.getReason() == ReviewReason.GOLD) {
      return queue.answersRequired(ReviewReason.AUDIT) <= 1;
    }
    return !Boolean.FALSE.equals(result.getDecides());
  }

  /** The task a claim would give the caller now, not leased: the page preloads its image. */
  private void peek(Context ctx) {
    requireStateReady();
    Optional<ReviewTask> next = queue.peek(BearerAuth.reviewer(ctx).name());
    if (next.isEmpty()) {
      ctx.status(204);
      return;
    }
    ctx.json(Map.of("taskId", next.get().taskId(), "imageUrl", "/v1/frames/" + next.get().frameId() + "/image"));
  }

  /** Who the caller is and what they have done (answers as read back from Kafka, so a moment behind). */
  private void me(Context ctx) {
    Reviewer reviewer = BearerAuth.reviewer(ctx);
    ReviewerLedger.Counts done = reviewers.of(reviewer.name());
    ctx.json(Map.of("name", reviewer.name(), "role", reviewer.role(), "answered", done.answered(),
        "accepted", done.accepted(), "corrected", done.corrected()));
  }

  private void heartbeat(Context ctx) {
    requireStateReady();
    Lease lease = queue.heartbeat(ctx.pathParam("taskId"), BearerAuth.reviewer(ctx).name());
    ctx.json(Map.of("taskId", lease.taskId(), "leaseExpiresAt", lease.expiresAt()));
  }

  private void release(Context ctx) {
    requireStateReady();
    queue.release(ctx.pathParam("taskId"), BearerAuth.reviewer(ctx).name());
    metrics.released();
    ctx.json(Map.of("taskId", ctx.pathParam("taskId"), "released", true));
  }

  private void skip(Context ctx) {
    requireStateReady();
    queue.skip(ctx.pathParam("taskId"), BearerAuth.reviewer(ctx).name());
    metrics.released();
    ctx.json(Map.of("taskId", ctx.pathParam("taskId"), "skipped", true));
  }

  private void label(Context ctx) {
    String frameId = ctx.pathParam("frameId");
    Label label = labels.get(frameId).orElseThrow(() -> new ApiException(404, "label_not_found",
        "frame " + frameId + " has no label yet"));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("frameId", label.getFrameId());
    body.put("label", label.getLabel());
    body.put("source", label.getSource().name());
    body.put("confidence", label.getConfidence());
    body.put("modelVersion", label.getModelVersion());
    body.put("reviewer", label.getReviewerIds().isEmpty() ? null : String.join(",", label.getReviewerIds()));
    body.put("labelledAt", label.getLabelledAt());
    ctx.json(body);
  }

  /**
   * Pipeline counts. Label counts and the policy (audit evidence, per class) are for admins: they move with each
   * answer in a way that tells a reviewer whether an audit answer matched the hidden model label (the estimate
   * moves up or down, the predicted class's audit count moves) and whether a task was gold (it makes no label).
   */
  private void stats(Context ctx) {
    boolean admin = BearerAuth.reviewer(ctx).role() == Role.ADMIN;
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("framesSeen", counts.framesSeen());
    if (admin) {
      body.put("modelLabelled", labels.modelLabelled());
    }
    body.put("queuedForReview", queue.openCount());
    body.put("inReview", queue.leasedCount());
    if (admin) {
      body.put("humanLabelled", labels.humanLabelled());
    }
    body.put("deadLettered", counts.deadLetteredCount());
    body.put("stateReady", stateReady.getAsBoolean());
    if (admin) {
      body.put("policy", policyStats());
    }
    ctx.json(body);
  }

  private Map<String, Object> policyStats() {
    PolicyDecision decision = policy.latest();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("target", policy.settings().target());
    out.put("confidence", policy.settings().confidence());
    out.put("classTarget", policy.settings().classTarget());
    out.put("validationTrusted", decision.validationTrusted());
    out.put("framesSeen", decision.framesSeen());
    out.put("auditTasks", decision.audits());
    out.put("auditsAnswered", decision.auditsAnswered());
    out.put("overall", accuracy(decision.overall(), null));
    List<Map<String, Object>> perClass = new java.util.ArrayList<>();
    for (int c = 0; c < decision.perClass().size(); c++) {
      Map<String, Object> row = accuracy(decision.perClass().get(c), decision.thresholds().get(c));
      row.put("class", policy.classes().get(c));
      perClass.add(row);
    }
    out.put("perClass", perClass);
    return out;
  }

  private static Map<String, Object> accuracy(PolicyDecision.Accuracy a, Double threshold) {
    Map<String, Object> row = new LinkedHashMap<>();
    if (threshold != null) {
      row.put("threshold", threshold);
    }
    row.put("estimatedAccuracy", a.estimate());
    row.put("lowerBound", a.lowerBound());
    row.put("audits", a.audits());
    row.put("modelLabelledShare", a.modelLabelledShare());
    return row;
  }

  private void requireStateReady() {
    if (!stateReady.getAsBoolean()) {
      throw ApiException.unavailable("not_ready", "the review queue is still being rebuilt from Kafka", 2);
    }
  }

  private static String requestedLabel(Context ctx) {
    JsonNode body;
    try {
      body = ctx.bodyAsClass(JsonNode.class);
    } catch (Exception e) {
      // Javalin rethrows Jackson's checked parse errors undeclared; a body over the limit keeps its 413.
      throw ApiException.refusalIn(e).orElseGet(() -> new ApiException(400, "invalid_body",
          "the body must be one JSON object like {\"label\": \"Bag\"}, each key once and nothing after it"));
    }
    if (body == null || !body.hasNonNull("label") || !body.get("label").isTextual()) {
      throw new ApiException(400, "invalid_body", "the body must be JSON like {\"label\": \"Bag\"}");
    }
    return body.get("label").asText();
  }
}
