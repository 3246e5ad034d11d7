package io.labelstream.review.state;

import io.labelstream.schemas.avro.ReviewDecision;
import io.labelstream.schemas.avro.ReviewReason;
import io.labelstream.schemas.avro.ReviewResult;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What each reviewer has done, rebuilt from {@code review.results.v1}: answers, how many kept the suggestion they
 * saw, and gold tasks with whether they were right. (Agreement with the model on audits and with other reviewers is
 * counted once, by the statistics.)
 */
public final class ReviewerLedger implements Checkpointed {

  /**
   * One reviewer's record.
   *
   * @param goldCorrect gold answers that were right: the known class, or boxes exact against the known boxes
   * @param goldBoxes gold answers with boxes (a detection model's gold frames)
   * @param goldF1Sum the sum of their box F1s (see {@link #goldF1})
   */
  public record Counts(String reviewer, long answered, long accepted, long corrected, long gold, long goldCorrect,
      long goldBoxes, double goldF1Sum) {

    /** Mean box F1 against gold boxes; null without a detection gold answer. */
    public Double goldF1() {
      return goldBoxes == 0 ? null : goldF1Sum / goldBoxes;
    }
  }

  private static final class Tally {
    long answered;
    long accepted;
    long corrected;
    long gold;
    long goldCorrect;
    long goldBoxes;
    double goldF1Sum;
  }

  private final Map<String, Tally> byReviewer = new TreeMap<>();

  public synchronized void answered(ReviewResult result) {
    Tally tally = byReviewer.computeIfAbsent(result.getReviewerId(), r -> new Tally());
    tally.answered++;
    if (result.getReason() == ReviewReason.GOLD) {
      tally.gold++;
      if (Boolean.TRUE.equals(result.getCorrect())) {
        tally.goldCorrect++;
      }
      if (result.getBoxF1() != null) {
        tally.goldBoxes++;
        tally.goldF1Sum += result.getBoxF1();
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
  }

  public synchronized Counts of(String reviewer) {
    return counts(reviewer, byReviewer.getOrDefault(reviewer, new Tally()));
  }

  public synchronized List<Counts> all() {
    List<Counts> all = new ArrayList<>();
    byReviewer.forEach((reviewer, tally) -> all.add(counts(reviewer, tally)));
    return all;
  }

  private static Counts counts(String reviewer, Tally t) {
    return new Counts(reviewer, t.answered, t.accepted, t.corrected, t.gold, t.goldCorrect, t.goldBoxes, t.goldF1Sum);
  }

  @Override
  public synchronized void save(DataOutput out) throws IOException {
    out.writeInt(byReviewer.size());
    for (Map.Entry<String, Tally> reviewer : byReviewer.entrySet()) {
      Tally t = reviewer.getValue();
      out.writeUTF(reviewer.getKey());
      out.writeLong(t.answered);
      out.writeLong(t.accepted);
      out.writeLong(t.corrected);
      out.writeLong(t.gold);
      out.writeLong(t.goldCorrect);
      out.writeLong(t.goldBoxes);
      out.writeDouble(t.goldF1Sum);
    }
  }

  @Override
  public synchronized void restore(DataInput in) throws IOException {
    byReviewer.clear();
    for (int i = in.readInt(); i > 0; i--) {
      Tally t = new Tally();
      byReviewer.put(in.readUTF(), t);
      t.answered = in.readLong();
      t.accepted = in.readLong();
      t.corrected = in.readLong();
      t.gold = in.readLong();
      t.goldCorrect = in.readLong();
      t.goldBoxes = in.readLong();
      t.goldF1Sum = in.readDouble();
    }
  }
}
