package io.labelstream.review.policy.drift;

/**
 * A detected change in one signal of a scope.
 *
 * @param signal the signal's name ("score", "answered", or an input statistic such as "brightness")
 * @param direction which way it moved: a score or statistic tail growing below its baseline (DOWN) or above it (UP);
 *     more errors than expected is UP
 * @param alarmIndex the index of the observation that raised the alarm: a frame index for frame signals, an answer
 *     index for "answered", both counted since the monitor was made
 * @param changePoint the estimated index (same clock) of the first observation after the change
 * @param statistic the CUSUM statistic at the alarm
 */
public record ChangeAlarm(String signal, Direction direction, long alarmIndex, long changePoint, double statistic) {

  public enum Direction { DOWN, UP }
}
