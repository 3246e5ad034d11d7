package io.labelstream.review.policy.regime;

/**
 * A detected change, and the regime it started.
 *
 * @param regime the number of the regime the change started (regime 0 is the stream's first)
 * @param scope {@link RegimePolicy#ALL_CAMERAS} for a change of every camera without a regime of its own, else the
 *     camera ({@link CameraKey#text()})
 * @param signal what changed: {@code score}, an input statistic ({@code brightness}, {@code contrast},
 *     {@code sharpness}, {@code colourfulness}) or {@code answered} (people found more errors than expected)
 * @param direction {@code down} or {@code up}: which way the signal moved
 * @param detectedAtFrame the stream frame (counted from 1) at which the sequential test alarmed
 * @param changePointFrame the stream frame at which the test estimates the change began
 * @param recalledLabels the model labels written since the change point that went back to people
 */
public record DriftEvent(int regime, String scope, String signal, String direction, long detectedAtFrame,
    long changePointFrame, int recalledLabels) {}
