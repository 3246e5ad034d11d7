package io.labelstream.review.partitioned;

import io.labelstream.review.partitioned.FrameHistory.Position;
import io.labelstream.schemas.Topic;
import io.labelstream.schemas.Topics;
import io.labelstream.schemas.avro.Label;
import io.labelstream.schemas.avro.Prediction;
import io.labelstream.schemas.avro.ReviewRequest;
import io.labelstream.schemas.avro.ReviewResult;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps what the review state knows of each frame of one partition, from the four topics keyed by frame id: each
 * record is decoded once and goes into the frame's history ({@link HistoryRecorder}), the partition's statistics
 * ({@link LocalStats}) and, for a label, the frame's final label.
 *
 * <p>The final label is the latest one, except that a MODEL label arriving after a HUMAN one (a replayed or late
 * record) does not replace it ({@link FinalLabelCodec#replaces}).
 *
 * <p>A record that cannot be decoded is logged and skipped: the frame keeps its previous label, as a dataset snapshot
 * does ({@code FinalLabelIndex}), and its history and statistics go on without it. A tombstone is skipped (nothing
 * writes them to these topics; compaction will).
 */
final class FrameStateProcessor implements Processor<String, byte[], Void, Void> {

  private static final Logger LOG = LoggerFactory.getLogger(FrameStateProcessor.class);

  private final InputCatchUp catchUp;
  private final LocalStats stats;
  private final LabelWrites labelWrites;
  private ProcessorContext<Void, Void> context;
  private KeyValueStore<String, byte[]> labels;
  private HistoryRecorder history;
  private LocalStats.Partition partitionStats;

  FrameStateProcessor(InputCatchUp catchUp, LocalStats stats, LabelWrites labelWrites) {
    this.catchUp = catchUp;
    this.stats = stats;
    this.labelWrites = labelWrites;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    this.context = context;
    this.labels = context.getStateStore(PartitionedState.FINAL_LABELS);
    this.history = new HistoryRecorder(context.getStateStore(PartitionedState.HISTORIES));
    this.partitionStats = stats.open(context.taskId().partition(), context.getStateStore(PartitionedState.STATS));
  }

  @Override
  public void process(Record<String, byte[]> record) {
    RecordMetadata where = context.recordMetadata().orElseThrow();
    catchUp.processed(where.topic(), where.partition(), where.offset());
    if (record.key() == null || record.value() == null) {
      return;
    }
    Position position = new Position(where.topic(), where.partition(), where.offset());
    if (where.topic().equals(Topics.LABELS.name())) {
      Label label = decode(Topics.LABELS, record, where);
      if (label != null) {
        if (FinalLabelCodec.replaces(labels.get(label.getFrameId()), label)) {
          labels.put(label.getFrameId(), FinalLabelCodec.encode(label));
          labelWrites.written(label.getFrameId());
        }
        history.label(position, label);
        partitionStats.count(counter -> counter.labelled(label));
      }
    } else if (where.topic().equals(Topics.PREDICTIONS.name())) {
      Prediction prediction = decode(Topics.PREDICTIONS, record, where);
      if (prediction != null) {
        history.prediction(position, prediction);
        partitionStats.count(counter -> counter.predicted(prediction));
      }
    } else if (where.topic().equals(Topics.REVIEW_REQUESTS.name())) {
      ReviewRequest request = decode(Topics.REVIEW_REQUESTS, record, where);
      if (request != null) {
        history.request(position, request);
        partitionStats.count(counter -> counter.requested(request));
      }
    } else if (where.topic().equals(Topics.REVIEW_RESULTS.name())) {
      ReviewResult result = decode(Topics.REVIEW_RESULTS, record, where);
      if (result != null) {
        history.result(position, result);
        partitionStats.count(counter -> counter.answered(result));
      }
    }
  }

  /** The record's value; null, logged, when it cannot be read. */
  private static <V> V decode(Topic<String, V> topic, Record<String, byte[]> record, RecordMetadata where) {
    try {
      return topic.valueSerde().deserializer().deserialize(topic.name(), record.value());
    } catch (RuntimeException e) {
      LOG.warn("skipping an unreadable record of {} at {}@{} (frame {}): {}", topic.name(), where.partition(),
          where.offset(), record.key(), e.toString());
      return null;
    }
  }

  @Override
  public void close() {
    if (partitionStats != null) {
      stats.close(partitionStats);
    }
  }
}
