package io.labelstream.review.state;

import io.labelstream.schemas.avro.ReviewDecision;
import io.labelstream.schemas.avro.ReviewReason;
import io.labelstream.schemas.avro.ReviewResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What each reviewer has done and how well, rebuilt from {@code review.results.v1}: answers, how many kept the
 * suggestion, blind audits and whether they agreed with the model, gold tasks and whether they were right, and, on
 * tasks answered by several reviewers, how often they agreed with the others.
 */
public final class ReviewerLedger {

  /** One reviewer's record. */
  public record Counts(String reviewer, long answered, long accepted, long corrected, long audits,
      long auditsAgreedWithModel, long gold, long goldCorrect, long compared, long agreed) {}

  private static final class Tally {
    long answered;
    long accepted;
    long corrected;
    long audits;
    long auditsAgreed;
    long gold;
    long goldCorrect;
    long compared;
    long agreed;
  }

  private final Map<String, Tally> byReviewer = new TreeMap<>();
  /** Answers so far per task, to compare each new answer with the earlier ones on the same task. */
  private final Map<String, List<ReviewResult>> answersByTask = new HashMap<>();

  public synchronized void answered(ReviewResult result) {
    Tally tally = byReviewer.computeIfAbsent(result.getReviewerId(), r -> new Tally());
    tally.answered++;
    if (result.getReason() == ReviewReason.GOLD) {
      tally.gold++;
      if (Boolean.TRUE.equals(result.getCorrect())) {
        tally.goldCorrect++;
      }
      return;
    }
    // Accepted/corrected count answers to a suggestion the reviewer saw: a blind audit had none, and counting it
    // would tell the reviewer (in /v1/me) whether they agreed with the hidden model label.
    if (result.getReason() != ReviewReason.AUDIT) {
      if (result.getDecision() == ReviewDecision.ACCEPTED) {
        tally.accepted++;
      } else {
        tally.corrected++;
      }
    }
    if (result.getReason() == ReviewReason.AUDIT) {
      tally.audits++;
      if (Boolean.TRUE.equals(result.getAgreedWithModel())) {
        tally.auditsAgreed++;
      }
    }
    List<ReviewResult> earlier = answersByTask.computeIfAbsent(result.getTaskId(), t -> new ArrayList<>());
    for (ReviewResult other : earlier) {
      if (other.getReviewerId().equals(result.getReviewerId())) {
        continue;
      }
      boolean same = other.getLabel().equals(result.getLabel());
      Tally them = byReviewer.computeIfAbsent(other.getReviewerId(), r -> new Tally());
      tally.compared++;
      them.compared++;
      if (same) {
        tally.agreed++;
        them.agreed++;
      }
    }
    earlier.add(result);
  }

  public synchronized Counts of(String reviewer) {
    return counts(reviewer, byReviewer.getOrDefault(reviewer, new Tally()));
  }

  public synchronized List<Counts> all() {
    List<Counts> all = new ArrayList<>();
    byReviewer.forEach((reviewer, tally) -> all.add(counts(reviewer, tally)));
    return all;
  }

  /** Answers given so far to a task (several when it needs more than one). */
  public synchronized List<ReviewResult> answersTo(String taskId) {
    return List.copyOf(answersByTask.getOrDefault(taskId, List.of()));
  }

  private static Counts counts(String reviewer, Tally t) {
    return new Counts(reviewer, t.answered, t.accepted, t.corrected, t.audits, t.auditsAgreed, t.gold, t.goldCorrect,
        t.compared, t.agreed);
  }
}
