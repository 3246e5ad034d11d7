package io.labelstream.review.policy;

/**
 * What the stream has taught so far, frozen at one moment, per predicted class and score band.
 *
 * @param modelRouted every frame the model labelled (items only: their correctness is unknown)
 * @param reviewed frames routed to people because they scored below the threshold in force, once answered; all of
 *     them are reviewed, so their errors are known exactly
 * @param audited answered blind audits: a uniform random sample of the model-labelled frames
 */
public record StreamEvidence(BandCounts modelRouted, BandCounts reviewed, BandCounts audited) {

  public static StreamEvidence empty(int classes, ScoreGrid grid) {
    return new StreamEvidence(new BandCounts(classes, grid.bands()), new BandCounts(classes, grid.bands()),
        new BandCounts(classes, grid.bands()));
  }
}
