package io.labelstream.inference.worker;

import static org.awaitility.Awaitility.await;

import io.labelstream.kafka.embedded.TopicRecords;
import io.labelstream.schemas.FleetFrameProducer;
import io.labelstream.schemas.Topic;
import io.labelstream.schemas.Topics;
import io.labelstream.schemas.avro.DeadLetter;
import io.labelstream.schemas.avro.Frame;
import io.labelstream.schemas.avro.ImageRef;
import io.labelstream.schemas.avro.Label;
import io.labelstream.schemas.avro.Prediction;
import io.labelstream.schemas.avro.ReviewRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.IntSupplier;
import java.util.stream.Collectors;

/** What a running worker wrote, read back committed from the broker, and what its HTTP side says. */
final class WorkerOutputs {

  private final String bootstrapServers;
  private final IntSupplier port;

  WorkerOutputs(String bootstrapServers, IntSupplier port) {
    this.bootstrapServers = bootstrapServers;
    this.port = port;
  }

  /** A frame whose record carries no bytes, only the reference to its image. */
  static Frame byReference(String idempotencyKey, ImageRef ref) {
    Frame frame = FleetFrameProducer.frame("car-2", null, idempotencyKey, "image/png", new byte[0], 28, 28, null);
    frame.setImage(ByteBuffer.allocate(0));
    frame.setImageRef(ref);
    return frame;
  }

  Map<String, Prediction> predictions(List<String> ids) {
    return values(Topics.PREDICTIONS).stream().filter(p -> ids.contains(p.getFrameId()))
        .collect(Collectors.toMap(Prediction::getFrameId, Function.identity(), (a, b) -> a));
  }

  /** Every prediction of these frames, repeats included. */
  List<Prediction> everyPrediction(List<String> ids) {
    return values(Topics.PREDICTIONS).stream().filter(p -> ids.contains(p.getFrameId())).toList();
  }

  List<Label> labels(List<String> ids) {
    return values(Topics.LABELS).stream().filter(l -> ids.contains(l.getFrameId())).toList();
  }

  List<ReviewRequest> reviewRequests(List<String> ids) {
    return values(Topics.REVIEW_REQUESTS).stream().filter(r -> ids.contains(r.getFrameId())).toList();
  }

  List<DeadLetter> deadLetters(List<String> ids) {
    return values(Topics.FRAMES_DLQ).stream().filter(d -> ids.contains(d.getKey())).toList();
  }

  /** The frame's dead letter, waiting for it. */
  DeadLetter deadLetter(String frameId) {
    return await().atMost(Duration.ofSeconds(30)).until(
        () -> deadLetters(List.of(frameId)).stream().findFirst().orElse(null), Objects::nonNull);
  }

  /** The reference each frame's label or review request carries. */
  Map<String, ImageRef> passedOnRefs(List<String> ids) {
    Map<String, ImageRef> refs = new HashMap<>();
    labels(ids).forEach(l -> refs.put(l.getFrameId(), l.getImageRef()));
    reviewRequests(ids).forEach(r -> refs.put(r.getFrameId(), r.getImageRef()));
    return refs;
  }

  private <V> List<V> values(Topic<String, V> topic) {
    return TopicRecords.readAll(bootstrapServers, topic.name()).stream()
        .map(r -> topic.valueSerde().deserializer().deserialize(topic.name(), r.value()))
        .toList();
  }

  HttpResponse<String> get(String path) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port.getAsInt() + path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  String scrape() throws Exception {
    return get("/metrics").body();
  }

  /** The sum of a meter's samples over all its tags, 0 when it is not there yet. */
  double meter(String name) throws Exception {
    return scrape().lines().filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }
}
