package io.labelstream.review.policy;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The confident-band answers of the most recent decisions, at least {@code window} of them (or all there are): what
 * the stream shows now, undiluted by everything before. Fed the cumulative tally at every decision; keeps one small
 * tally per decision and forgets those the window no longer needs, so memory stays bounded on a long stream.
 */
final class RecentAnswers {

  private final long window;
  /** Newest first: the answers that arrived between two decisions. */
  private final Deque<ConfidentAnswers> sinceLastDecision = new ArrayDeque<>();
  private ConfidentAnswers seen = ConfidentAnswers.NONE;

  RecentAnswers(long window) {
    this.window = window;
  }

  /**
   * Takes the stream's cumulative tally at a decision and returns the most recent answers: the newest decisions'
   * answers until they hold at least {@code window} items (the decision that crosses it whole).
   */
  ConfidentAnswers update(ConfidentAnswers cumulative) {
    ConfidentAnswers fresh = cumulative.minus(seen);
    seen = cumulative;
    if (fresh.items() > 0) {
      sinceLastDecision.addFirst(fresh);
    }
    ConfidentAnswers recent = ConfidentAnswers.NONE;
    int kept = 0;
    for (ConfidentAnswers decision : sinceLastDecision) {
      if (recent.items() >= window) {
        break;
      }
      recent = recent.plus(decision);
      kept++;
    }
    while (sinceLastDecision.size() > kept) {
      sinceLastDecision.removeLast();
    }
    return recent;
  }
}
