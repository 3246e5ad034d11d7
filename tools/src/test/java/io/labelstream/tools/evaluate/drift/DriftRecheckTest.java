package io.labelstream.tools.evaluate.drift;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What the recheck compares: the default setting among the candidates, and the changes the detectors miss. */
class DriftRecheckTest {

  @Test
  void shouldRunTheMildAndModerateAbruptPixelChangesOnOneCamera() {
    assertThat(DriftRecheck.undetected()).hasSize(10).allSatisfy(s -> {
      assertThat(s.severity()).isIn(DriftSeverity.MILD, DriftSeverity.MODERATE);
      assertThat(s.kind()).isIn(DriftKind.JPEG, DriftKind.TRANSLATION, DriftKind.BRIGHTNESS, DriftKind.BLUR,
          DriftKind.NOISE);
      assertThat(s.gradual()).isFalse();
      assertThat(s.cameras()).isEqualTo(DriftScenario.Cameras.ONE);
    });
    assertThat(DriftRecheck.unchanged()).allSatisfy(s -> assertThat(s.drifts()).isFalse());
  }

  @Test
  void shouldCompareTheDefaultWithTheOthers() {
    assertThat(DriftRecheck.CANDIDATES).extracting(DriftRecheck.Candidate::validationWeight)
        .containsExactly(0.5, 0.6, 0.7, 0.8, 1.0);
    // --only matches on the name, so the names must tell the weights apart
    assertThat(DriftRecheck.CANDIDATES).extracting(DriftRecheck.Candidate::name).doesNotHaveDuplicates()
        .contains("weight 0.7");
  }

  @Test
  void shouldAskHonestyInAllButOneInTwentySeeds() {
    assertThat(DriftFigures.honestNeeded(20)).isEqualTo(19);
  }
}
