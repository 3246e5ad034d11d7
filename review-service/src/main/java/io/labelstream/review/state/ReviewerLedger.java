package io.labelstream.review.state;

import io.labelstream.schemas.avro.ReviewDecision;
import io.labelstream.schemas.avro.ReviewResult;
import java.util.HashMap;
import java.util.Map;

/** What each reviewer has done, rebuilt from {@code review.results.v1}: answers, and how many kept the suggestion. */
public final class ReviewerLedger {

  /** One reviewer's counts. */
  public record Counts(long answered, long accepted, long corrected) {}

  private final Map<String, long[]> byReviewer = new HashMap<>();

  public synchronized void answered(ReviewResult result) {
    long[] counts = byReviewer.computeIfAbsent(result.getReviewerId(), r -> new long[3]);
    counts[0]++;
    counts[result.getDecision() == ReviewDecision.ACCEPTED ? 1 : 2]++;
  }

  public synchronized Counts of(String reviewer) {
    long[] counts = byReviewer.getOrDefault(reviewer, new long[3]);
    return new Counts(counts[0], counts[1], counts[2]);
  }
}
