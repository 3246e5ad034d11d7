package io.labelstream.review.state;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PipelineCountsTest {

  private final FrameBytes bytes = FrameBytes.temporary();
  private final PipelineCounts counts = new PipelineCounts(bytes);

  @AfterEach
  void close() {
    bytes.close();
  }

  @Test
  void aFramePredictedAgainCountsOnce() {
    counts.predicted("frame-1");
    counts.predicted("frame-2");
    counts.predicted("frame-1"); // a replayed record, or a new model's prediction

    assertThat(counts.framesSeen()).isEqualTo(2);
  }

  @Test
  void otherStateOfAFrameDoesNotMakeItSeen() {
    bytes.put("frame-1\0l", new byte[] {1});

    counts.predicted("frame-1");

    assertThat(counts.framesSeen()).isEqualTo(1);
  }
}
