package io.labelstream.inference.model;

/**
 * The model's answer for one frame.
 *
 * @param meanProbs the ensemble's mean class probabilities
 * @param memberProbs each member's class probabilities, [member][class]
 */
public record ModelOutput(float[] meanProbs, float[][] memberProbs) {}
