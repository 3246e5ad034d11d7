package io.labelstream.review.partitioned;

import io.labelstream.schemas.Topics;
import io.labelstream.schemas.avro.Label;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each frame's final label from {@code labels.v1}: the latest one, except that a MODEL label arriving after a
 * HUMAN one (a replayed or late record) does not replace it. A record that cannot be decoded is logged and skipped:
 * the frame keeps its previous label, as a dataset snapshot does ({@code FinalLabelIndex}); a tombstone is skipped
 * (nothing writes them to {@code labels.v1}; compaction will).
 */
final class FinalLabelProcessor implements Processor<String, byte[], Void, Void> {

  private static final Logger LOG = LoggerFactory.getLogger(FinalLabelProcessor.class);

  private final InputCatchUp catchUp;
  private KeyValueStore<String, byte[]> labels;
  private ProcessorContext<Void, Void> context;

  FinalLabelProcessor(InputCatchUp catchUp) {
    this.catchUp = catchUp;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    this.context = context;
    this.labels = context.getStateStore(PartitionedState.FINAL_LABELS);
  }

  @Override
  public void process(Record<String, byte[]> record) {
    context.recordMetadata().ifPresent(m -> catchUp.processed(m.topic(), m.partition(), m.offset()));
    if (record.key() == null || record.value() == null) {
      return;
    }
    Label label;
    try {
      label = Topics.LABELS.valueSerde().deserializer().deserialize(Topics.LABELS.name(), record.value());
    } catch (RuntimeException e) {
      LOG.warn("skipping an unreadable record of {} at {} (frame {}): {}", Topics.LABELS.name(),
          context.recordMetadata().map(m -> m.partition() + "@" + m.offset()).orElse("?"), record.key(), e.toString());
      return;
    }
    if (FinalLabelCodec.replaces(labels.get(label.getFrameId()), label)) {
      labels.put(label.getFrameId(), FinalLabelCodec.encode(label));
    }
  }
}
