package io.labelstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelstream.schemas.avro.Frame;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

/** Frames written before {@code channels} existed still read, as "not known"; new ones read by old readers too. */
class FrameChannelsCompatibilityTest {

  /** The Frame schema as it was before the field: the current one without it. */
  private static final Schema BEFORE = withoutChannels(Frame.getClassSchema());

  private final KnownSchemas store = new KnownSchemas().register(BEFORE).register(Frame.getClassSchema());

  @Test
  void shouldReadAFrameWrittenBeforeChannelsAsNotKnown() {
    GenericRecord old = new GenericData.Record(BEFORE);
    old.put("frameId", "f-1");
    old.put("deviceId", "cam-1");
    old.put("ingestedAt", 1L);
    old.put("contentType", "image/png");
    old.put("width", 1280);
    old.put("height", 720);
    old.put("image", ByteBuffer.wrap(new byte[] {1}));
    old.put("attributes", Map.of());
    byte[] bytes = AvroSerde.generic(BEFORE, store).serialize("t", old);

    GenericRecord read = (GenericRecord) AvroSerde.generic(Frame.getClassSchema(), store).deserialize("t", bytes);

    assertThat(read.get("width")).isEqualTo(1280);
    assertThat(read.get("channels")).isEqualTo(0);
  }

  @Test
  void shouldLetAReaderOfTheOldSchemaReadANewFrame() {
    Frame frame = FleetFrameProducer.frame("cam-1", null, null, "image/jpeg", new byte[] {1}, 1280, 720, 3,
        Instant.EPOCH);
    byte[] bytes = Topics.FRAMES.valueSerde().serializer().serialize("t", frame);

    GenericRecord read = (GenericRecord) AvroSerde.generic(BEFORE, store).deserialize("t", bytes);

    assertThat(read.get("height")).isEqualTo(720);
    assertThat(read.getSchema().getField("channels")).isNull();
    assertThat(frame.getChannels()).isEqualTo(3);
    assertThat(FleetFrameProducer.frame("cam-1", null, null, "image/jpeg", new byte[] {1}, 1, 1, null).getChannels())
        .isZero();
  }

  private static Schema withoutChannels(Schema current) {
    return new Schema.Parser().parse(current.toString().replaceFirst(
        ",\\{\"name\":\"channels\",\"type\":\"int\",\"doc\":\"[^\"]*\",\"default\":0\\}", ""));
  }
}
