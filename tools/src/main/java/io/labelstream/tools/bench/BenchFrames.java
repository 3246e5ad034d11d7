package io.labelstream.tools.bench;

import io.labelstream.launcher.SampleFrames;
import io.labelstream.schemas.FleetFrameProducer;
import io.labelstream.schemas.Topics;
import io.labelstream.schemas.avro.Frame;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Encoded frames of one kind (the bundled 28x28 sample PNGs, or 1280x720 camera JPEGs), cycled to as many frames as
 * a run needs, each with its own frameId.
 */
final class BenchFrames {

  private final List<byte[]> pngs;
  private final String mediaType;
  private final int width;
  private final int height;

  private BenchFrames(List<byte[]> pngs, String mediaType, int width, int height) {
    this.pngs = pngs;
    this.mediaType = mediaType;
    this.width = width;
    this.height = height;
  }

  static BenchFrames load(Path samples) throws IOException {
    List<byte[]> pngs = new ArrayList<>();
    for (SampleFrames.Sample sample : SampleFrames.load(samples)) {
      pngs.add(sample.bytes());
    }
    return new BenchFrames(pngs, "image/png", 28, 28);
  }

  /** Frames all of one media type and size. */
  static BenchFrames of(List<byte[]> encoded, String mediaType, int width, int height) {
    return new BenchFrames(List.copyOf(encoded), mediaType, width, height);
  }

  /** The i-th frame's encoded bytes (PNG or JPEG, as the kind of frames). */
  byte[] png(int i) {
    return pngs.get(i % pngs.size());
  }

  int distinct() {
    return pngs.size();
  }

  Frame frame(String run, int i) {
    return FleetFrameProducer.frame("bench", "bench", run + "-" + i, mediaType, png(i), width, height, Instant.now());
  }

  /** Size of an encoded frames.v1 record value, averaged over the samples: the stock producer sends this size. */
  int averageRecordBytes() {
    long total = 0;
    for (int i = 0; i < pngs.size(); i++) {
      total += Topics.FRAMES.valueSerde().serializer().serialize(Topics.FRAMES.name(), frame("size", i)).length;
    }
    return (int) (total / pngs.size());
  }

  /** Writes {@code n} frames to frames.v1 as fast as the producer goes, and waits for all acknowledgements. */
  void prefill(String bootstrapServers, String run, int n) throws InterruptedException {
    List<Frame> frames = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      frames.add(frame(run, i));
    }
    try (FleetFrameProducer fleet = new FleetFrameProducer(Map.of("bootstrap.servers", bootstrapServers, "linger.ms", 5))) {
      fleet.sendAll(frames);
    }
  }
}
