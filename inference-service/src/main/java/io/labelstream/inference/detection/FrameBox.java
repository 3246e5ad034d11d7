package io.labelstream.inference.detection;

/**
 * One box a detector proposed, in frame pixels ({@code x}, {@code y} = top-left corner, {@code w}, {@code h} =
 * size), with its class index in the card's classNames and its score.
 */
public record FrameBox(int classIndex, float score, double x, double y, double w, double h) {}
