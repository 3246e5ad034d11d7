package io.labelstream.inference.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.labelstream.inference.model.ModelOutput;
import org.junit.jupiter.api.Test;

class UncertaintyTest {

  @Test
  void shouldComputeScoresOfAConfidentAgreeingEnsemble() {
    float[] p = {0.9f, 0.1f, 0f};
    Uncertainty u = Uncertainty.of(new ModelOutput(p, new float[][] {p, p}));

    assertThat(u.predictedClass()).isZero();
    assertThat(u.maxProbability()).isCloseTo(0.9, within(1e-6));
    assertThat(u.margin()).isCloseTo(0.8, within(1e-6));
    assertThat(u.entropy()).isCloseTo(-(0.9 * Math.log(0.9) + 0.1 * Math.log(0.1)), within(1e-6));
    assertThat(u.mutualInformation().orElseThrow()).isCloseTo(0.0, within(1e-6));
    assertThat(u.score()).isEqualTo(u.maxProbability());
  }

  @Test
  void shouldMeasureDisagreementBetweenMembersAsMutualInformation() {
    float[] a = {1f, 0f};
    float[] b = {0f, 1f};
    Uncertainty u = Uncertainty.of(new ModelOutput(new float[] {0.5f, 0.5f}, new float[][] {a, b}));

    assertThat(u.entropy()).isCloseTo(Math.log(2), within(1e-6));
    assertThat(u.mutualInformation().orElseThrow()).isCloseTo(Math.log(2), within(1e-6));
    assertThat(u.margin()).isCloseTo(0.0, within(1e-6));
  }

  @Test
  void shouldScoreASingleNetworkWithoutMutualInformation() {
    Uncertainty u = Uncertainty.of(ModelOutput.single(new float[] {0.2f, 0.7f, 0.1f}));

    assertThat(u.predictedClass()).isOne();
    assertThat(u.maxProbability()).isCloseTo(0.7, within(1e-6));
    assertThat(u.margin()).isCloseTo(0.5, within(1e-6));
    assertThat(u.entropy()).isCloseTo(-(0.2 * Math.log(0.2) + 0.7 * Math.log(0.7) + 0.1 * Math.log(0.1)), within(1e-6));
    assertThat(u.mutualInformation()).isEmpty();
  }
}
