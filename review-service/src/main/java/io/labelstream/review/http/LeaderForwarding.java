package io.labelstream.review.http;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.labelstream.platform.http.ApiException;
import io.labelstream.review.cluster.ClusterView;
import io.labelstream.review.cluster.LeaderElection;
import io.labelstream.schemas.avro.ReviewLeader;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/**
 * Sends queue changes that reach a follower to the leader, unchanged, with the caller's credentials, and answers
 * with the leader's answer. Reviewers can therefore use any instance behind a load balancer.
 */
public final class LeaderForwarding {

  /** Headers the leader needs; everything else stays behind. */
  private static final List<String> FORWARDED_HEADERS = List.of("Authorization", "Content-Type", "Accept");

  private final LeaderElection election;
  private final ClusterView view;
  private final String instanceId;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  public LeaderForwarding(LeaderElection election, ClusterView view, String instanceId) {
    this.election = election;
    this.view = view;
    this.instanceId = instanceId;
  }

  /** True when this instance should handle the request itself. */
  public boolean handledHere() {
    return election.isLeader();
  }

  /** A before-handler: on a follower, answers the request from the leader and skips the local endpoint. */
  public void forwardUnlessLeader(Context ctx) {
    if (handledHere()) {
      return;
    }
    forward(ctx);
    ctx.skipRemainingHandlers();
  }

  /** The same, for a path where only a POST changes the queue (reading it is answered here). */
  public void forwardPostUnlessLeader(Context ctx) {
    if (ctx.method() == HandlerType.POST) {
      forwardUnlessLeader(ctx);
    }
  }

  /** Answers {@code ctx} with the leader's answer to the same request. */
  public void forward(Context ctx) {
    if (ctx.header("X-Forwarded-By") != null) {
      // Forwarded once already, by an instance with an older view: no chains, the caller retries.
      throw ApiException.unavailable("not_leader", "this review instance no longer runs the queue", 1);
    }
    ReviewLeader leader = view.leader().filter(l -> !l.getInstanceId().equals(instanceId))
        .orElseThrow(() -> ApiException.unavailable("no_leader", "no review instance runs the queue right now", 1));
    String target = leader.getUrl() + ctx.path() + (ctx.queryString() == null ? "" : "?" + ctx.queryString());
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target)).timeout(Duration.ofSeconds(30))
        .method(ctx.method().name(), HttpRequest.BodyPublishers.ofByteArray(ctx.bodyAsBytes()));
    for (String header : FORWARDED_HEADERS) {
      String value = ctx.header(header);
      if (value != null) {
        request.header(header, value);
      }
    }
    request.header("X-Forwarded-By", instanceId);
    try {
      HttpResponse<byte[]> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      ctx.status(answer.statusCode());
      answer.headers().firstValue("Content-Type").ifPresent(ctx::contentType);
      answer.headers().firstValue("Retry-After").ifPresent(value -> ctx.header("Retry-After", value));
      ctx.result(answer.body());
    } catch (IOException e) {
      throw ApiException.unavailable("leader_unreachable", "the review instance running the queue did not answer", 1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApiException.unavailable("leader_unreachable", "interrupted while asking the queue leader", 1);
    }
  }
}
