package io.labelstream.inference.detection;

/**
 * A box as the graph gave it, in input pixels (corners), before it is put back on the frame.
 *
 * @param classCertainty its class's score over the sum of its anchor's class scores (1 where only the winner is given)
 */
record Proposal(int classIndex, float score, double classCertainty, double x1, double y1, double x2, double y2) {

  double area() {
    return (x2 - x1) * (y2 - y1);
  }

  /** Intersection over union, as torchvision computes it (NaN when both have no area). */
  double iou(Proposal o) {
    double w = Math.max(0.0, Math.min(x2, o.x2) - Math.max(x1, o.x1));
    double h = Math.max(0.0, Math.min(y2, o.y2) - Math.max(y1, o.y1));
    double inter = w * h;
    return inter / (area() + o.area() - inter);
  }
}
