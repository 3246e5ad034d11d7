package io.labelstream.schemas;

import java.nio.ByteBuffer;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serde for Avro single-object encoding: a 2-byte marker, the writer schema's 64-bit fingerprint, then the
 * binary datum. Needs no registry server; the reader resolves the writer schema from a {@link SchemaStore} and
 * then against its own schema, so compatible old and new services can run side by side.
 *
 * <p>Instances are thread-safe (Avro's encoder and decoder keep their buffers per thread).
 */
public final class AvroSerde<T> implements Serde<T>, Serializer<T>, Deserializer<T> {

  private final Schema schema;
  private final BinaryMessageEncoder<T> encoder;
  private final BinaryMessageDecoder<T> decoder;

  private AvroSerde(GenericData model, Schema schema, SchemaStore store) {
    this.schema = schema;
    this.encoder = new BinaryMessageEncoder<>(model, schema);
    this.decoder = new BinaryMessageDecoder<>(model, schema, store);
  }

  /** A serde for a generated record class, resolving writers from the bundled schemas. */
  public static <T extends SpecificRecord> AvroSerde<T> of(Class<T> type) {
    return of(type, KnownSchemas.bundled());
  }

  public static <T extends SpecificRecord> AvroSerde<T> of(Class<T> type, SchemaStore store) {
    Schema schema = SpecificData.get().getSchema(type);
    return new AvroSerde<>(SpecificData.getForClass(type), schema, store);
  }

  /** A serde for generic records of the given reader/writer schema (tools and compatibility tests). */
  public static AvroSerde<Object> generic(Schema schema, SchemaStore store) {
    return new AvroSerde<>(GenericData.get(), schema, store);
  }

  public Schema schema() {
    return schema;
  }

  @Override
  public byte[] serialize(String topic, T data) {
    if (data == null) {
      return null;
    }
    try {
      ByteBuffer buffer = encoder.encode(data);
      byte[] bytes = new byte[buffer.remaining()];
      buffer.get(bytes);
      return bytes;
    } catch (Exception e) {
      throw new SerializationException("cannot encode " + schema.getFullName() + " for topic " + topic + ": " + e.getMessage(), e);
    }
  }

  @Override
  public T deserialize(String topic, byte[] data) {
    if (data == null) {
      return null;
    }
    try {
      return decoder.decode(data);
    } catch (org.apache.avro.message.MissingSchemaException e) {
      throw new SerializationException("record on " + topic + " was written with an unknown schema (" + e.getMessage() + ")", e);
    } catch (org.apache.avro.message.BadHeaderException e) {
      throw new SerializationException("record on " + topic + " is not Avro single-object encoded: " + e.getMessage(), e);
    } catch (java.io.IOException | RuntimeException e) {
      throw new SerializationException("cannot decode " + schema.getFullName() + " from " + topic + ": " + e, e);
    }
  }

  @Override
  public Serializer<T> serializer() {
    return this;
  }

  @Override
  public Deserializer<T> deserializer() {
    return this;
  }

  @Override
  public void configure(java.util.Map<String, ?> configs, boolean isKey) {
    // fully configured at construction
  }

  @Override
  public void close() {
    // nothing to release; Kafka clients call close on the serializer and deserializer
  }
}
