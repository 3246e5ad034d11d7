package io.labelstream.review.policy;

/**
 * Answered frames in the confident score bands and what validation predicts for them: the items behind a measured
 * shift.
 *
 * @param items answered frames (reviewed and audited) in the confident bands
 * @param errors how many of them the model got wrong
 * @param expected errors the validation rates of their bands predict
 */
record ConfidentAnswers(long items, long errors, double expected) {

  static final ConfidentAnswers NONE = new ConfidentAnswers(0, 0, 0.0);

  ConfidentAnswers plus(ConfidentAnswers other) {
    return new ConfidentAnswers(items + other.items, errors + other.errors, expected + other.expected);
  }

  ConfidentAnswers minus(ConfidentAnswers other) {
    return new ConfidentAnswers(items - other.items, errors - other.errors, expected - other.expected);
  }

  /**
   * How many times more errors these frames hold than validation predicts; never below 1. Shrunk toward 1 by one
   * pseudo-error on each side ((errors + 1) / (expected + 1)): where validation expects a fraction of an error, a
   * median-unbiased estimate read 0 errors in 120 audits as a five-fold shift and closed the model for nothing.
   */
  double shift() {
    return items == 0 ? 1.0 : Math.max(1.0, (errors + 1.0) / (expected + 1.0));
  }
}
