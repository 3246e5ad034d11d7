package io.labelstream.inference.worker;

import io.labelstream.inference.detection.BoxDecoder;
import io.labelstream.inference.detection.Detections;
import io.labelstream.inference.metrics.InferenceMetrics;
import io.labelstream.inference.model.DetectorOutput;
import io.labelstream.inference.model.ModelCard;
import io.labelstream.inference.model.ModelOutput;
import io.labelstream.inference.model.OnnxModel;
import io.labelstream.inference.routing.FrameRouter;
import io.labelstream.platform.kafka.DeadLetters;
import io.labelstream.schemas.Topics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the model once on a batch of decoded frames and turns the outputs (class scores, or a detector's boxes) into
 * a prediction plus a label or a review request per frame; frames that cannot be used become dead letters. A batch
 * with a frame the frame store could not give, because it is down, is not run at all. Runs on the model thread only.
 */
final class BatchRouter {

  private static final Logger LOG = LoggerFactory.getLogger(BatchRouter.class);
  private static final String STAGE = "inference";

  private final OnnxModel model;
  private final FrameRouter router;
  private final InferenceMetrics metrics;
  /** The box decoder of a detection model; null for a classifier. */
  private final BoxDecoder boxes;

  BatchRouter(OnnxModel model, FrameRouter router, InferenceMetrics metrics) {
    this.model = model;
    this.router = router;
    this.metrics = metrics;
    ModelCard card = model.card();
    this.boxes = card.detects() ? new BoxDecoder(card.detection(), card.classNames().size(), card.input().width(),
        card.input().height()) : null;
  }

  RoutedBatch route(FrameBatch batch) throws InterruptedException {
    List<DecodedFrame> decoded = batch.decoded();
    for (DecodedFrame frame : decoded) {
      if (frame.storeDown()) {
        // Not the frame's fault: the model is not run and nothing is written, so the batch can be tried again whole.
        return RoutedBatch.waitForStore(batch, frame.failure());
      }
    }
    List<ProducerRecord<String, Object>> out = new ArrayList<>();
    List<DecodedFrame> usable = new ArrayList<>(decoded.size());
    for (DecodedFrame frame : decoded) {
      metrics.decoded(frame.decodeNanos());
      if (frame.ok()) {
        usable.add(frame);
      } else {
        out.add(deadLetter(frame.source(), frame.failure(), frame.cause()));
      }
    }
    List<Instant> ingestedAt = new ArrayList<>(usable.size());
    if (usable.isEmpty()) {
      return new RoutedBatch(batch, out, ingestedAt);
    }
    FrameRouter.Routed[] routedFrames = boxes == null ? classify(usable, out) : detect(usable, out);
    for (int i = 0; i < usable.size(); i++) {
      FrameRouter.Routed routed = routedFrames[i];
      if (routed == null) {
        continue;
      }
      String key = usable.get(i).frame().getFrameId();
      ingestedAt.add(usable.get(i).frame().getIngestedAt());
      out.add(new ProducerRecord<>(Topics.PREDICTIONS.name(), key, routed.prediction()));
      if (routed.label() != null) {
        out.add(new ProducerRecord<>(Topics.LABELS.name(), key, routed.label()));
        metrics.modelLabelled();
      }
      if (routed.reviewRequest() != null) {
        out.add(new ProducerRecord<>(Topics.REVIEW_REQUESTS.name(), key, routed.reviewRequest()));
        if (routed.label() != null) {
          metrics.audited();
        } else {
          metrics.sentToReview();
        }
      }
    }
    return new RoutedBatch(batch, out, ingestedAt);
  }

  private FrameRouter.Routed[] classify(List<DecodedFrame> usable, List<ProducerRecord<String, Object>> out) {
    ModelOutput[] outputs = runModel(usable, out, model::run, ModelOutput[]::new);
    Instant now = Instant.now();
    FrameRouter.Routed[] routed = new FrameRouter.Routed[usable.size()];
    for (int i = 0; i < usable.size(); i++) {
      if (outputs[i] != null) {
        DecodedFrame frame = usable.get(i);
        routed[i] = router.route(frame.frame(), frame.source().partition(), frame.source().offset(), frame.statistics(),
            outputs[i], now);
      }
    }
    return routed;
  }

  /**
   * A detection model's batch: the graph's raw answers, then each frame's boxes decoded and put back on the frame
   * here on the model thread (about a millisecond for yolo11n's 8400 anchors; see docs/detection.md).
   */
  private FrameRouter.Routed[] detect(List<DecodedFrame> usable, List<ProducerRecord<String, Object>> out) {
    DetectorOutput[] outputs = runModel(usable, out, model::detect, DetectorOutput[]::new);
    Instant now = Instant.now();
    FrameRouter.Routed[] routed = new FrameRouter.Routed[usable.size()];
    for (int i = 0; i < usable.size(); i++) {
      if (outputs[i] == null) {
        continue;
      }
      DecodedFrame frame = usable.get(i);
      Detections detections;
      try {
        detections = boxes.decode(outputs[i], frame.placement());
      } catch (RuntimeException e) {
        out.add(deadLetter(frame.source(), "cannot decode the model's boxes for this frame: " + e.getMessage(), e));
        continue;
      }
      routed[i] = router.routeDetection(frame.frame(), frame.source().partition(), frame.source().offset(),
          frame.statistics(), detections, frame.placement(), now);
    }
    return routed;
  }

  /** One model call on a batch of input tensors, as {@link OnnxModel#run} or {@link OnnxModel#detect}. */
  @FunctionalInterface
  private interface ModelCall<T> {
    T[] run(List<float[]> inputs) throws Exception;
  }

  /** Runs the batch; if the batch fails, runs its frames one by one so one bad frame cannot block the rest. */
  private <T> T[] runModel(List<DecodedFrame> frames, List<ProducerRecord<String, Object>> out, ModelCall<T> call,
      IntFunction<T[]> array) {
    List<float[]> pixels = frames.stream().map(DecodedFrame::pixels).toList();
    long start = System.nanoTime();
    try {
      T[] outputs = call.run(pixels);
      metrics.batch(frames.size(), System.nanoTime() - start);
      return outputs;
    } catch (Exception batchError) {
      LOG.warn("model failed on a batch of {}; retrying frame by frame: {}", frames.size(), batchError.toString());
      T[] outputs = array.apply(frames.size());
      for (int i = 0; i < frames.size(); i++) {
        try {
          outputs[i] = call.run(List.of(pixels.get(i)))[0];
        } catch (Exception e) {
          out.add(deadLetter(frames.get(i).source(), "model failed on this frame: " + e.getMessage(), e));
        }
      }
      return outputs;
    }
  }

  private ProducerRecord<String, Object> deadLetter(ConsumerRecord<String, byte[]> record, String reason, Exception e) {
    LOG.warn("dead-lettering {}-{}@{} (key {}): {}", record.topic(), record.partition(), record.offset(), record.key(), reason);
    metrics.deadLettered();
    ProducerRecord<String, ?> letter = DeadLetters.of(Topics.FRAMES_DLQ, STAGE, record, reason, e);
    return new ProducerRecord<>(letter.topic(), null, letter.key(), letter.value(), letter.headers());
  }
}
