package io.labelstream.review.http;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.labelstream.review.auth.Role;
import io.labelstream.review.metrics.ActiveReviewers;
import io.labelstream.review.queue.TaskQueue;
import io.labelstream.review.state.ReviewerLedger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** What admins see under {@code /v1/admin}: the queue, the reviewers and how well they do. Admin tokens only. */
public final class AdminApi {

  private static final int QUEUE_ROWS = 200;

  private final TaskQueue queue;
  private final ReviewerLedger reviewers;
  private final ActiveReviewers active;

  public AdminApi(TaskQueue queue, ReviewerLedger reviewers, ActiveReviewers active) {
    this.queue = queue;
    this.reviewers = reviewers;
    this.active = active;
  }

  public void register(Javalin app) {
    app.get("/v1/admin/queue", this::queue, Role.ADMIN);
    app.get("/v1/admin/reviewers", this::reviewers, Role.ADMIN);
  }

  private void queue(Context ctx) {
    List<Map<String, Object>> tasks = new ArrayList<>();
    for (TaskQueue.Queued row : queue.overview(QUEUE_ROWS)) {
      Map<String, Object> task = new LinkedHashMap<>();
      task.put("taskId", row.task().taskId());
      task.put("frameId", row.task().frameId());
      task.put("reason", row.task().reason().name());
      task.put("priority", row.task().priority());
      task.put("suggestion", row.task().suggestion());
      task.put("confidence", row.task().confidence());
      task.put("requestedAt", row.task().requestedAt());
      task.put("leasedTo", row.lease() == null ? null : row.lease().reviewer());
      task.put("leaseExpiresAt", row.lease() == null ? null : row.lease().expiresAt());
      tasks.add(task);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("open", queue.openCount());
    body.put("leased", queue.leasedCount());
    body.put("tasks", tasks);
    ctx.json(body);
  }

  private void reviewers(Context ctx) {
    Set<String> activeNow = active.names();
    Set<String> seen = new TreeSet<>(activeNow);
    List<Map<String, Object>> rows = new ArrayList<>();
    for (ReviewerLedger.Counts c : reviewers.all()) {
      seen.remove(c.reviewer());
      rows.add(row(c, activeNow.contains(c.reviewer())));
    }
    // Reviewers at work who have not answered anything yet.
    seen.forEach(name -> rows.add(row(reviewers.of(name), true)));
    ctx.json(rows);
  }

  private static Map<String, Object> row(ReviewerLedger.Counts c, boolean active) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("reviewer", c.reviewer());
    row.put("answered", c.answered());
    row.put("accepted", c.accepted());
    row.put("corrected", c.corrected());
    row.put("gold", Map.of("answered", c.gold(), "correct", c.goldCorrect()));
    row.put("audits", Map.of("answered", c.audits(), "agreedWithModel", c.auditsAgreedWithModel()));
    row.put("agreement", Map.of("compared", c.compared(), "agreed", c.agreed()));
    row.put("active", active);
    return row;
  }
}
