package io.labelstream.review.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelstream.review.images.StoredImage;
import io.labelstream.review.state.FrameHistory.Event;
import io.labelstream.review.state.FrameHistory.Position;
import io.labelstream.schemas.avro.ImageRef;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FrameHistoryTest {

  private static final Instant AT = Instant.parse("2026-12-03T10:15:30.123456789Z");

  private final FrameBytes bytes = FrameBytes.temporary();
  private final FrameHistory history = new FrameHistory(bytes);

  @AfterEach
  void close() {
    bytes.close();
  }

  @Test
  void anEventReadsBackAsRecorded() {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("score", 0.9731);
    details.put("route", "MODEL");
    details.put("audited", false);
    details.put("modelVersion", null);
    details.put("boxes", List.of(Map.of("label", "Bag", "x", 12, "y", 40, "w", 100, "h", 80)));
    Event prediction = new Event("prediction", AT, "fmnist-ensemble", "Bag", details, "predictions.v1", 2, 41L);

    history.record("frame-1", prediction);

    assertThat(history.of("frame-1")).hasValueSatisfying(events -> {
      assertThat(events).containsExactly(prediction);
      assertThat(events.get(0).details()).containsExactlyEntriesOf(details);
    });
  }

  @Test
  void nullsAndUnicodeSurvive() {
    Event request = new Event("review_requested", AT, null, "T-shirt/top · 上衣", Map.of(), "review-requests.v1", 0,
        Long.MAX_VALUE);

    history.record("frame-1", request);

    assertThat(history.of("frame-1")).contains(List.of(request));
  }

  @Test
  void aReplayedRecordIsRecordedOnce() {
    Event label = new Event("label", AT, "ana", "Bag", Map.of("source", "HUMAN"), "labels.v1", 1, 7);
    Event sameOffsetOtherPartition = new Event("label", AT, "ana", "Coat", Map.of("source", "HUMAN"), "labels.v1",
        2, 7);

    history.record("frame-1", label);
    history.record("frame-1", label);
    history.record("frame-1", sameOffsetOtherPartition);

    assertThat(history.of("frame-1")).hasValueSatisfying(events -> assertThat(events)
        .containsExactlyInAnyOrder(label, sameOffsetOtherPartition));
  }

  @Test
  void eventsComeInTimeOrderAndAnAnswerBeforeTheLabelItSettles() {
    Event label = new Event("label", AT, "ana", "Bag", Map.of(), "labels.v1", 0, 3);
    Event answer = new Event("answer", AT, "ana", "Bag", Map.of(), "review-results.v1", 0, 9);
    Event earlier = new Event("prediction", AT.minusSeconds(5), "model", "Coat", Map.of(), "predictions.v1", 0, 50);

    history.record("frame-1", label);
    history.record("frame-1", answer);
    history.record("frame-1", earlier);

    assertThat(history.of("frame-1")).contains(List.of(earlier, answer, label));
  }

  @Test
  void framesKeepTheirOwnEventsPositionsAndImages() {
    Event one = new Event("prediction", AT, "model", "Bag", Map.of(), "predictions.v1", 0, 1);
    Event two = new Event("prediction", AT, "model", "Coat", Map.of(), "predictions.v1", 0, 2);
    StoredImage image = image("frames/frame-2.jpg", "ab");

    history.record("frame-1", one);
    history.record("frame-2", two);
    history.located("frame-1", new Position("frames.v1", 1, 10), new Position("predictions.v1", 0, 1));
    history.located("frame-2", null, new Position("predictions.v1", 0, 2));
    history.imaged("frame-2", image);

    assertThat(history.of("frame-1")).contains(List.of(one));
    assertThat(history.of("frame-2")).contains(List.of(two));
    assertThat(history.of("frame-3")).isEmpty();
    assertThat(history.framePosition("frame-1")).contains(new Position("frames.v1", 1, 10));
    assertThat(history.framePosition("frame-2")).isEmpty();
    assertThat(history.predictionPosition("frame-2")).contains(new Position("predictions.v1", 0, 2));
    assertThat(history.image("frame-1")).isEmpty();
    assertThat(history.image("frame-2")).contains(image);
  }

  @Test
  void aFrameKnownOnlyByItsImageHasNoHistory() {
    history.imaged("frame-1", image("frames/frame-1.jpg", "cd"));

    assertThat(history.of("frame-1")).isEmpty();
    assertThat(history.image("frame-1")).isPresent();
  }

  private static StoredImage image(String key, String hexPair) {
    return StoredImage.of(ImageRef.newBuilder().setStore("s3://frames").setKey(key).setSize(1234)
        .setSha256(hexPair.repeat(32)).setContentType("image/jpeg").build());
  }
}
