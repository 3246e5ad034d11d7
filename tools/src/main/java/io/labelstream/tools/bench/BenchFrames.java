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

/** The bundled sample PNGs, cycled to as many frames as a run needs, each with its own frameId. */
final class BenchFrames {

  private final List<byte[]> pngs;

  private BenchFrames(List<byte[]> pngs) {
    this.pngs = pngs;
  }

  static BenchFrames load(Path samples) throws IOException {
    List<byte[]> pngs = new ArrayList<>();
    for (SampleFrames.Sample sample : SampleFrames.load(samples)) {
      pngs.add(sample.bytes());
    }
    return new BenchFrames(pngs);
  }

  byte[] png(int i) {
    return pngs.get(i % pngs.size());
  }

  int distinct() {
    return pngs.size();
  }

  Frame frame(String run, int i) {
    return FleetFrameProducer.frame("bench", "bench", run + "-" + i, "image/png", png(i), 28, 28, Instant.now());
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
