package io.labelstream.tools.evaluate.drift;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The tuning and held-out halves of the drift suite, fixed before anything was tuned: the 10,000 test images split in
 * two by a seeded shuffle, and different stream seeds for each. Settings are chosen on {@link #TUNING} only; the
 * figures reported against the targets are {@link #HELD_OUT}'s: images and stream orders the tuning never saw.
 */
enum DriftSplit {
  TUNING(0, 1), HELD_OUT(1, 101);

  /** Fixed once: the seed of the shuffle that splits the test images. Changing it re-opens the held-out set. */
  static final long IMAGE_SPLIT_SEED = 20_261_202L;

  private final int half;
  private final long firstSeed;

  DriftSplit(int half, long firstSeed) {
    this.half = half;
    this.firstSeed = firstSeed;
  }

  /** The images of this half, in a fixed order (a stream shuffles them with its own seed). */
  List<Integer> images(int total) {
    List<Integer> all = new ArrayList<>();
    for (int i = 0; i < total; i++) {
      all.add(i);
    }
    Collections.shuffle(all, new Random(IMAGE_SPLIT_SEED));
    int middle = total / 2;
    return List.copyOf(half == 0 ? all.subList(0, middle) : all.subList(middle, total));
  }

  /** The stream seeds of this half: 20 of them. */
  List<Long> seeds(int count) {
    List<Long> seeds = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      seeds.add(firstSeed + i);
    }
    return seeds;
  }

  String label() {
    return this == TUNING ? "tuning" : "held-out";
  }
}
