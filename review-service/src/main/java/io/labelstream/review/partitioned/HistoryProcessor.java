package io.labelstream.review.partitioned;

import io.labelstream.review.partitioned.FrameHistory.Position;
import io.labelstream.schemas.Topic;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adds each record of one topic to its frame's history ({@link HistoryRecorder}), with where the record is. A record
 * that cannot be decoded is logged and skipped, as the final labels skip it; a tombstone is skipped.
 */
final class HistoryProcessor<V> implements Processor<String, byte[], Void, Void> {

  /** What a record of the topic adds to the history. */
  interface Recording<V> {
    void record(HistoryRecorder recorder, Position record, V value);
  }

  private static final Logger LOG = LoggerFactory.getLogger(HistoryProcessor.class);

  private final Topic<String, V> topic;
  private final Recording<V> recording;
  private final InputCatchUp catchUp;
  private HistoryRecorder recorder;
  private ProcessorContext<Void, Void> context;

  HistoryProcessor(Topic<String, V> topic, Recording<V> recording, InputCatchUp catchUp) {
    this.topic = topic;
    this.recording = recording;
    this.catchUp = catchUp;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    this.context = context;
    this.recorder = new HistoryRecorder(context.getStateStore(PartitionedState.HISTORIES));
  }

  @Override
  public void process(Record<String, byte[]> record) {
    RecordMetadata where = context.recordMetadata().orElseThrow();
    catchUp.processed(where.topic(), where.partition(), where.offset());
    if (record.key() == null || record.value() == null) {
      return;
    }
    V value;
    try {
      value = topic.valueSerde().deserializer().deserialize(topic.name(), record.value());
    } catch (RuntimeException e) {
      LOG.warn("skipping an unreadable record of {} at {}@{} (frame {}): {}", topic.name(), where.partition(),
          where.offset(), record.key(), e.toString());
      return;
    }
    recording.record(recorder, new Position(where.topic(), where.partition(), where.offset()), value);
  }
}
