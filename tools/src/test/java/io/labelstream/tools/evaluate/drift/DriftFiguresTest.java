package io.labelstream.tools.evaluate.drift;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DriftFiguresTest {

  @Test
  void shouldCountTheSeedsAtTheirOracleAndAddTheSharesUp() {
    // 0.70 of 0.80 (0.875, short of 0.95); 0.78 of 0.75 (1.04): together 1.48 of 1.55 (0.955), not the ratios' mean
    List<DriftStreamRun.Result> results = List.of(withShares(1, 0.70, 0.80), withShares(2, 0.78, 0.75));

    assertThat(DriftFigures.shareAgainstOracle(results, 0.95))
        .isEqualTo("1 of 2, lowest ratio 0.875; the 2 seeds together 0.955");
  }

  private static DriftStreamRun.Result withShares(long seed, double share, double oracleShare) {
    return new DriftStreamRun.Result(seed, 5000, 0, 0, 0, 0, 0, 0, 0, 0, 0.99, 0.995, share, share, oracleShare,
        Double.NaN, 40, 0.0);
  }
}
