package io.labelstream.review.partitioned;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelstream.review.images.StoredImage;
import io.labelstream.review.partitioned.FrameHistory.Event;
import io.labelstream.review.partitioned.FrameHistory.Position;
import io.labelstream.schemas.Topic;
import io.labelstream.schemas.Topics;
import io.labelstream.schemas.avro.ClassProbability;
import io.labelstream.schemas.avro.ImageRef;
import io.labelstream.schemas.avro.Label;
import io.labelstream.schemas.avro.LabelSource;
import io.labelstream.schemas.avro.Prediction;
import io.labelstream.schemas.avro.ReviewDecision;
import io.labelstream.schemas.avro.ReviewReason;
import io.labelstream.schemas.avro.ReviewRequest;
import io.labelstream.schemas.avro.ReviewResult;
import io.labelstream.schemas.avro.Route;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import io.labelstream.review.stats.StatsCells;
import io.labelstream.review.stats.StatsView;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A frame's history as the per-frame state's topology builds it, on its real processors and RocksDB stores, fed
 * through Kafka Streams' test driver instead of a broker (PartitionedStateIT and the review ITs use a real one).
 */
class FrameHistoryTest {

  private static final Instant AT = Instant.parse("2026-12-03T10:15:30.123456789Z");

  @TempDir
  Path stateDir;

  private TopologyTestDriver driver;
  private KeyValueStore<String, byte[]> store;
  private final LocalStats stats = new LocalStats();

  @BeforeEach
  void start() {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "history-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    driver = new TopologyTestDriver(PartitionedState.topology(InputCatchUp.nothingBehind(), stats, new LabelWrites()), props);
    store = driver.getKeyValueStore(PartitionedState.HISTORIES);
  }

  @AfterEach
  void close() {
    driver.close();
  }

  @Test
  void everyRecordOfAFrameIsInItsHistoryInOrderWithWhereItIs() {
    ImageRef image = imageRef("frames/frame-1.jpg", "ab");
    pipe(Topics.PREDICTIONS, "frame-1", prediction("frame-1", 3, 41L, AT));
    pipe(Topics.REVIEW_REQUESTS, "frame-1", request("frame-1", image, AT.plusSeconds(1)));
    // an answer and the label it settles are written in one transaction, with one time
    pipe(Topics.LABELS, "frame-1", label("frame-1", "Bag", AT.plusSeconds(9)));
    pipe(Topics.REVIEW_RESULTS, "frame-1", result("frame-1", "Bag", AT.plusSeconds(9)));

    FrameHistory history = FrameHistory.read(store, "frame-1").orElseThrow();

    assertThat(history.events()).extracting(Event::type)
        .containsExactly("prediction", "review_requested", "answer", "label");
    assertThat(history.events()).extracting(Event::topic).containsExactly(Topics.PREDICTIONS.name(),
        Topics.REVIEW_REQUESTS.name(), Topics.REVIEW_RESULTS.name(), Topics.LABELS.name());
    assertThat(history.events().get(0).details()).containsEntry("score", 0.97).containsEntry("route", "MODEL_LABEL");
    assertThat(history.events().get(2).by()).isEqualTo("ana");
    assertThat(history.framePosition()).contains(new Position(Topics.FRAMES.name(), 3, 41));
    assertThat(history.predictionPosition()).contains(new Position(Topics.PREDICTIONS.name(), 0, 0));
    assertThat(history.storedImage()).contains(StoredImage.of(image));
    assertThat(FrameHistory.read(store, "frame-2")).isEmpty();
  }

  /**
   * The same records are counted in the partition's statistics, decoded once with the history and the label; the
   * partition's store holds them whole, as another instance that takes the partition over loads them.
   */
  @Test
  void everyRecordOfAFrameIsCountedInItsPartitionsStatistics() {
    pipe(Topics.PREDICTIONS, "frame-1", prediction("frame-1", 3, 41L, AT));
    pipe(Topics.REVIEW_REQUESTS, "frame-1", request("frame-1", imageRef("frames/frame-1.jpg", "ab"), AT));
    driver.createInputTopic(Topics.LABELS.name(), new StringSerializer(), new ByteArraySerializer())
        .pipeInput("frame-2", "not avro".getBytes(StandardCharsets.UTF_8));
    pipe(Topics.LABELS, "frame-1", label("frame-1", "Bag", AT.plusSeconds(9)));
    pipe(Topics.REVIEW_RESULTS, "frame-1", result("frame-1", "Bag", AT.plusSeconds(9)));

    StatsCells counted = new StatsCells();
    assertThat(stats.addTo(counted, Set.of(0, 1))).containsExactly(0);
    StatsView view = new StatsView(counted);
    assertThat(view.classes()).containsExactly(new StatsView.ClassCount(8, "Bag", 0, 1));
    assertThat(view.labelsOverTime(Optional.empty()).buckets()).extracting(StatsView.LabelBucket::predictions)
        .containsExactly(1L);
    assertThat(view.reviewThroughput(Optional.empty()).buckets()).containsExactly(
        new StatsView.ReviewBucket(AT.minusSeconds(AT.getEpochSecond() % 60).minusNanos(AT.getNano()), 1, 1, 0));
    assertThat(view.reviewer("ana").answered()).isEqualTo(1);

    StatsCells loaded = new StatsCells();
    LocalStats elsewhere = new LocalStats();
    elsewhere.open(0, driver.getKeyValueStore(PartitionedState.STATS));
    elsewhere.addTo(loaded, Set.of(0));
    assertThat(loaded).isEqualTo(counted);
  }

  @Test
  void aLaterPredictionThatDoesNotSayWhereTheFrameIsKeepsWhatAnEarlierOneSaid() {
    pipe(Topics.PREDICTIONS, "frame-1", prediction("frame-1", 3, 41L, AT));
    Prediction again = prediction("frame-1", 0, 0L, AT.plusSeconds(5));
    again.setSourcePartition(null);
    again.setSourceOffset(null);
    pipe(Topics.PREDICTIONS, "frame-1", again);

    FrameHistory history = FrameHistory.read(store, "frame-1").orElseThrow();

    assertThat(history.events()).hasSize(2);
    assertThat(history.framePosition()).contains(new Position(Topics.FRAMES.name(), 3, 41));
    assertThat(history.predictionPosition()).contains(new Position(Topics.PREDICTIONS.name(), 0, 1));
  }

  @Test
  void anUnreadableRecordIsSkippedAndTheRestGoOn() {
    driver.createInputTopic(Topics.REVIEW_RESULTS.name(), new StringSerializer(), new ByteArraySerializer())
        .pipeInput("frame-1", "not avro".getBytes(StandardCharsets.UTF_8));
    pipe(Topics.LABELS, "frame-1", label("frame-1", "Coat", AT));

    FrameHistory history = FrameHistory.read(store, "frame-1").orElseThrow();

    assertThat(history.events()).extracting(Event::type).containsExactly("label");
    KeyValueStore<String, byte[]> labels = driver.getKeyValueStore(PartitionedState.FINAL_LABELS);
    assertThat(FinalLabelCodec.decode(labels.get("frame-1")).getLabel()).isEqualTo("Coat");
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

    FrameHistory.record(store, "frame-1", prediction, null, null);

    assertThat(FrameHistory.read(store, "frame-1")).hasValueSatisfying(history -> {
      assertThat(history.events()).containsExactly(prediction);
      assertThat(history.events().get(0).details()).containsExactlyEntriesOf(details);
    });
  }

  @Test
  void nullsAndUnicodeSurvive() {
    Event request = new Event("review_requested", AT, null, "T-shirt/top · 上衣", Map.of(), "review-requests.v1", 0,
        Long.MAX_VALUE);

    FrameHistory.record(store, "frame-1", request, null, null);

    assertThat(FrameHistory.read(store, "frame-1").orElseThrow().events()).containsExactly(request);
  }

  @Test
  void aReplayedRecordIsRecordedOnce() {
    Event label = new Event("label", AT, "ana", "Bag", Map.of("source", "HUMAN"), "labels.v1", 1, 7);
    Event sameOffsetOtherPartition = new Event("label", AT, "ana", "Coat", Map.of("source", "HUMAN"), "labels.v1",
        2, 7);

    FrameHistory.record(store, "frame-1", label, null, null);
    FrameHistory.record(store, "frame-1", label, null, null);
    FrameHistory.record(store, "frame-1", sameOffsetOtherPartition, null, null);

    assertThat(FrameHistory.read(store, "frame-1").orElseThrow().events())
        .containsExactlyInAnyOrder(label, sameOffsetOtherPartition);
  }

  @Test
  void aFrameWhoseIdStartsLikeAnothersKeepsItsOwnHistory() {
    Event one = new Event("prediction", AT, "model", "Bag", Map.of(), "predictions.v1", 0, 1);
    Event two = new Event("prediction", AT, "model", "Coat", Map.of(), "predictions.v1", 0, 2);

    FrameHistory.record(store, "frame-1", one, null, null);
    FrameHistory.record(store, "frame-10", two, null, StoredImage.of(imageRef("frames/frame-10.jpg", "cd")));

    assertThat(FrameHistory.read(store, "frame-1").orElseThrow())
        .isEqualTo(new FrameHistory(List.of(one), null, new Position("predictions.v1", 0, 1), null));
    assertThat(FrameHistory.read(store, "frame-10").orElseThrow().events()).containsExactly(two);
  }

  @Test
  void theLatestRecordThatNamesAnImageOrAFramePositionWinsAndOneThatDoesNotKeepsIt() {
    StoredImage first = StoredImage.of(imageRef("frames/frame-1.jpg", "cd"));
    StoredImage second = StoredImage.of(imageRef("frames/frame-1-again.jpg", "ef"));
    Event request = new Event("review_requested", AT, null, "Bag", Map.of(), "review.requests.v1", 0, 4);
    Event later = new Event("label", AT.plusSeconds(5), "ana", "Bag", Map.of(), "labels.v1", 0, 2);
    Event latest = new Event("label", AT.plusSeconds(9), "bo", "Coat", Map.of(), "labels.v1", 0, 3);
    Event prediction = new Event("prediction", AT.minusSeconds(1), "m", "Bag", Map.of(), "predictions.v1", 0, 8);

    // read in another order than they happened: what counts is the order of events
    FrameHistory.record(store, "frame-1", latest, null, null);
    FrameHistory.record(store, "frame-1", later, null, second);
    FrameHistory.record(store, "frame-1", request, null, first);
    FrameHistory.record(store, "frame-1", prediction, new Position("frames.v1", 2, 5), null);

    FrameHistory history = FrameHistory.read(store, "frame-1").orElseThrow();
    assertThat(history.events()).containsExactly(prediction, request, later, latest);
    assertThat(history.storedImage()).contains(second);
    assertThat(history.framePosition()).contains(new Position("frames.v1", 2, 5));
    assertThat(history.predictionPosition()).contains(new Position("predictions.v1", 0, 8));
  }

  @Test
  void aWholeHistoryCrossesToAnotherInstanceUnchanged() {
    Event answer = new Event("answer", AT, "ana", "Bag", Map.of("taskId", "t-1", "settled", true),
        "review.results.v1", 1, 12);
    FrameHistory whole = new FrameHistory(List.of(answer), new Position("frames.v1", 1, 10),
        new Position("predictions.v1", 1, 11), StoredImage.of(imageRef("frames/frame-1.jpg", "ef")));
    FrameHistory bare = new FrameHistory(List.of(), null, null, null);

    assertThat(HistoryCodec.history(HistoryCodec.history(whole))).isEqualTo(whole);
    assertThat(HistoryCodec.history(HistoryCodec.history(bare))).isEqualTo(bare);
  }

  private <V> void pipe(Topic<String, V> topic, String frameId, V value) {
    TestInputTopic<String, V> input = driver.createInputTopic(topic.name(), topic.keySerde().serializer(),
        topic.valueSerde().serializer());
    input.pipeInput(frameId, value);
  }

  private static Prediction prediction(String frameId, int framePartition, long frameOffset, Instant at) {
    return Prediction.newBuilder().setFrameId(frameId).setModelName("m").setModelVersion("1").setClassIndex(8)
        .setLabel("Bag").setTopK(List.of(new ClassProbability(8, "Bag", 0.97))).setMaxProbability(0.97)
        .setMargin(0.9).setEntropy(0.1).setScore(0.97).setThreshold(0.9).setRoute(Route.MODEL_LABEL)
        .setSourcePartition(framePartition).setSourceOffset(frameOffset).setPredictedAt(at).build();
  }

  private static ReviewRequest request(String frameId, ImageRef image, Instant at) {
    Prediction prediction = prediction(frameId, 3, 41L, at);
    return ReviewRequest.newBuilder().setTaskId("t-" + frameId).setFrameId(frameId)
        .setReason(ReviewReason.LOW_CONFIDENCE).setPriority(0.5).setPrediction(prediction)
        .setContentType("image/jpeg").setImageRef(image).setRequestedAt(at).build();
  }

  private static ReviewResult result(String frameId, String label, Instant at) {
    return ReviewResult.newBuilder().setTaskId("t-" + frameId).setFrameId(frameId).setReviewerId("ana")
        .setLabel(label).setClassIndex(8).setDecision(ReviewDecision.ACCEPTED).setReason(ReviewReason.LOW_CONFIDENCE)
        .setAgreedWithModel(true).setTimeSpentMs(3_000).setSubmittedAt(at).build();
  }

  private static Label label(String frameId, String name, Instant at) {
    return Label.newBuilder().setFrameId(frameId).setLabel(name).setClassIndex(8).setSource(LabelSource.HUMAN)
        .setReviewerIds(List.of("ana")).setTaskId("t-" + frameId).setLabelledAt(at).build();
  }

  private static ImageRef imageRef(String key, String hexPair) {
    return ImageRef.newBuilder().setStore("s3://frames").setKey(key).setSize(1234)
        .setSha256(hexPair.repeat(32)).setContentType("image/jpeg").build();
  }
}
