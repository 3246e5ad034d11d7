package io.labelstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labelstream.schemas.avro.FrameRecord;
import io.labelstream.schemas.avro.Label;
import io.labelstream.schemas.avro.LabelSource;
import io.labelstream.schemas.avro.ReviewRequest;
import java.time.Instant;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class AvroSerdeCompatibilityTest {

  private static final Schema V1 = new Schema.Parser().parse("""
      {"type": "record", "name": "Reading", "namespace": "io.labelstream.test",
       "fields": [{"name": "frameId", "type": "string"}, {"name": "score", "type": "double"}]}
      """);
  private static final Schema V2 = new Schema.Parser().parse("""
      {"type": "record", "name": "Reading", "namespace": "io.labelstream.test",
       "fields": [{"name": "frameId", "type": "string"}, {"name": "score", "type": "double"},
                  {"name": "note", "type": ["null", "string"], "default": null}]}
      """);

  /** Both sides know both writer schemas, as a store holding the schema history does. */
  private final KnownSchemas store = new KnownSchemas().register(V1).register(V2);

  @Test
  void shouldReadRecordWrittenWithV1UsingV2ReaderAndFillTheDefault() {
    GenericRecord written = new GenericData.Record(V1);
    written.put("frameId", "f-1");
    written.put("score", 0.75);
    byte[] bytes = AvroSerde.generic(V1, store).serialize("t", written);

    GenericRecord read = (GenericRecord) AvroSerde.generic(V2, store).deserialize("t", bytes);

    assertThat(read.getSchema()).isEqualTo(V2);
    assertThat(read.get("frameId")).hasToString("f-1");
    assertThat(read.get("score")).isEqualTo(0.75);
    assertThat(read.get("note")).isNull();
  }

  @Test
  void shouldReadRecordWrittenWithV2UsingV1ReaderAndDropTheNewField() {
    GenericRecord written = new GenericData.Record(V2);
    written.put("frameId", "f-2");
    written.put("score", 0.5);
    written.put("note", "added in v2");
    byte[] bytes = AvroSerde.generic(V2, store).serialize("t", written);

    GenericRecord read = (GenericRecord) AvroSerde.generic(V1, store).deserialize("t", bytes);

    assertThat(read.getSchema()).isEqualTo(V1);
    assertThat(read.get("frameId")).hasToString("f-2");
    assertThat(read.get("score")).isEqualTo(0.5);
    assertThat(read.getSchema().getField("note")).isNull();
  }

  @Test
  void shouldRejectRecordWhoseWriterSchemaIsUnknownWithAClearMessage() {
    GenericRecord written = new GenericData.Record(V2);
    written.put("frameId", "f-3");
    written.put("score", 0.1);
    written.put("note", null);
    byte[] bytes = AvroSerde.generic(V2, new KnownSchemas().register(V2)).serialize("t", written);

    AvroSerde<Object> readerWithoutV2 = AvroSerde.generic(V1, new KnownSchemas().register(V1));

    assertThatThrownBy(() -> readerWithoutV2.deserialize("t", bytes))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("unknown schema");
  }

  @Test
  void shouldRejectBytesThatAreNotSingleObjectEncoded() {
    assertThatThrownBy(() -> Topics.LABELS.valueSerde().deserializer().deserialize("labels.v1", new byte[] {1, 2, 3, 4}))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("labels.v1");
  }

  @Test
  void shouldRoundTripGeneratedRecordsThroughTheTopicRegistry() {
    Label label = Label.newBuilder()
        .setFrameId("f-4")
        .setLabel("Bag")
        .setClassIndex(8)
        .setSource(LabelSource.HUMAN)
        .setReviewerIds(List.of("ada"))
        .setLabelledAt(Instant.ofEpochMilli(1_700_000_000_000L))
        .build();

    byte[] bytes = Topics.LABELS.valueSerde().serializer().serialize("labels.v1", label);

    assertThat(bytes[0]).isEqualTo((byte) 0xC3);
    assertThat(bytes[1]).isEqualTo((byte) 0x01);
    assertThat(Topics.LABELS.valueSerde().deserializer().deserialize("labels.v1", bytes)).isEqualTo(label);
  }

  @Test
  void shouldReadAPredictionWrittenByAServiceThatPredatesTheAuditedField() throws Exception {
    Schema v1 = history("Prediction-v1.avsc");
    assertThat(v1.getField("audited")).isNull();
    GenericRecord old = oldPrediction(v1, "f-5");
    Schema probability = v1.getField("topK").schema().getElementType();
    GenericRecord top = new GenericData.Record(probability);
    top.put("classIndex", 8);
    top.put("label", "Bag");
    top.put("probability", 0.97);
    old.put("topK", List.of(top));
    old.put("mutualInformation", 0.5);

    io.labelstream.schemas.avro.Prediction read = readAsCurrent(v1, old);

    assertThat(read.getLabel()).isEqualTo("Bag");
    assertThat(read.getAudited()).isFalse();
  }

  @Test
  void shouldReadTheMutualInformationOfAPredictionWrittenWhenItWasRequired() throws Exception {
    Schema v3 = history("Prediction-v3.avsc");
    assertThat(v3.getField("mutualInformation").schema().getType()).isEqualTo(Schema.Type.DOUBLE);
    GenericRecord old = oldPrediction(v3, "f-6");
    old.put("mutualInformation", 0.125);
    old.put("audited", false);

    io.labelstream.schemas.avro.Prediction read = readAsCurrent(v3, old);

    assertThat(read.getMutualInformation()).isEqualTo(0.125);
  }

  @Test
  void shouldReadTheInputStatisticsOfAPredictionWrittenBeforeJpegQualityWasMeasured() throws Exception {
    Schema v6 = history("Prediction-v6.avsc");
    Schema statsSchema = v6.getField("inputStats").schema().getTypes().get(1);
    assertThat(statsSchema.getField("jpegQuality")).isNull();
    GenericRecord stats = new GenericData.Record(statsSchema);
    stats.put("brightness", 0.25);
    stats.put("contrast", 0.125);
    stats.put("sharpness", 0.5);
    stats.put("colourfulness", 0.0);
    GenericRecord old = oldPrediction(v6, "f-7");
    old.put("audited", false);
    old.put("deviceId", "truck-1");
    old.put("inputStats", stats);

    io.labelstream.schemas.avro.Prediction read = readAsCurrent(v6, old);

    assertThat(read.getInputStats().getBrightness()).isEqualTo(0.25);
    assertThat(read.getInputStats().getSharpness()).isEqualTo(0.5);
    assertThat(read.getInputStats().getJpegQuality()).isNull();
  }

  private static Schema history(String file) throws java.io.IOException {
    try (var in = KnownSchemas.class.getResourceAsStream("/schema-history/" + file)) {
      return new Schema.Parser().parse(in);
    }
  }

  /** A prediction of an older schema with the fields every version requires: a model label "Bag", no top-k. */
  private static GenericRecord oldPrediction(Schema schema, String frameId) {
    GenericRecord old = new GenericData.Record(schema);
    old.put("frameId", frameId);
    old.put("modelName", "m");
    old.put("modelVersion", "1");
    old.put("classIndex", 8);
    old.put("label", "Bag");
    old.put("topK", List.of());
    for (String f : List.of("maxProbability", "margin", "entropy", "score", "threshold")) {
      old.put(f, 0.5);
    }
    old.put("route", new GenericData.EnumSymbol(schema.getField("route").schema(), "MODEL_LABEL"));
    old.put("predictedAt", 1_700_000_000_000L);
    return old;
  }

  /** Written with {@code schema} by a producer that knew only it, read by today's predictions.v1 reader. */
  private static io.labelstream.schemas.avro.Prediction readAsCurrent(Schema schema, GenericRecord old) {
    byte[] bytes = AvroSerde.generic(schema, new KnownSchemas().register(schema)).serialize("predictions.v1", old);
    return Topics.PREDICTIONS.valueSerde().deserializer().deserialize("predictions.v1", bytes);
  }

  @Test
  void shouldReadAPolicyWrittenBeforeRegimesAsOneRegimeForEveryCamera() throws Exception {
    Schema v1;
    try (var in = KnownSchemas.class.getResourceAsStream("/schema-history/Policy-v1.avsc")) {
      v1 = new Schema.Parser().parse(in);
    }
    GenericRecord bound = new GenericData.Record(v1.getField("overall").schema());
    bound.put("estimate", 0.995);
    bound.put("lowerBound", 0.991);
    bound.put("audits", 12L);
    bound.put("modelLabelledShare", 0.8);
    GenericRecord old = new GenericData.Record(v1);
    old.put("modelName", "m");
    old.put("modelVersion", "1");
    old.put("thresholds", List.of(0.97, 0.98));
    old.put("overall", bound);
    old.put("perClass", List.of(bound, bound));
    for (String f : List.of("target", "confidence", "classTarget")) {
      old.put(f, 0.99);
    }
    old.put("validationTrusted", true);
    for (String f : List.of("framesSeen", "audits", "auditsAnswered")) {
      old.put(f, 5L);
    }
    old.put("computedAt", 1_700_000_000_000L);
    byte[] bytes = AvroSerde.generic(v1, new KnownSchemas().register(v1)).serialize("policy.v1", old);

    io.labelstream.schemas.avro.Policy read = Topics.POLICY.valueSerde().deserializer().deserialize("policy.v1", bytes);

    assertThat(read.getThresholds()).containsExactly(0.97, 0.98);
    assertThat(read.getCameras()).isEmpty();
    assertThat(read.getDriftEvents()).isEmpty();
    assertThat(read.getAuditRate()).isZero();
    assertThat(read.getRegime()).isZero();
    assertThat(read.getCumulativeLowerBound()).isNull();
    assertThat(read.getOverall().getWrittenLowerBound()).isNull();
  }

  @Test
  void shouldRoundTripAPredictionOfASingleNetworkWithoutMutualInformation() {
    io.labelstream.schemas.avro.Prediction single = io.labelstream.schemas.avro.Prediction.newBuilder()
        .setFrameId("f-7").setModelName("m").setModelVersion("1").setClassIndex(0).setLabel("red").setTopK(List.of())
        .setMaxProbability(0.9).setMargin(0.8).setEntropy(0.3).setScore(0.9).setThreshold(0.5)
        .setRoute(io.labelstream.schemas.avro.Route.MODEL_LABEL).setPredictedAt(Instant.ofEpochMilli(1))
        .build();

    byte[] bytes = Topics.PREDICTIONS.valueSerde().serializer().serialize("predictions.v1", single);

    assertThat(single.getMutualInformation()).isNull();
    assertThat(Topics.PREDICTIONS.valueSerde().deserializer().deserialize("predictions.v1", bytes)).isEqualTo(single);
  }

  @Test
  void shouldReadAReviewRequestThatCarriedItsImageInlineBeforeFrameRecordsExisted() throws Exception {
    Schema v2;
    try (var in = KnownSchemas.class.getResourceAsStream("/schema-history/ReviewRequest-v2.avsc")) {
      v2 = new Schema.Parser().parse(in);
    }
    assertThat(v2.getField("frameRecord")).isNull();
    GenericRecord prediction = new GenericData.Record(v2.getField("prediction").schema());
    prediction.put("frameId", "f-8");
    prediction.put("modelName", "m");
    prediction.put("modelVersion", "1");
    prediction.put("classIndex", 0);
    prediction.put("label", "red");
    prediction.put("topK", List.of());
    for (String f : List.of("maxProbability", "margin", "entropy", "mutualInformation", "score", "threshold")) {
      prediction.put(f, 0.5);
    }
    prediction.put("route", new GenericData.EnumSymbol(v2.getField("prediction").schema().getField("route").schema(), "REVIEW"));
    prediction.put("audited", false);
    prediction.put("predictedAt", 1_700_000_000_000L);
    GenericRecord old = new GenericData.Record(v2);
    old.put("taskId", "t-8");
    old.put("frameId", "f-8");
    old.put("reason", new GenericData.EnumSymbol(v2.getField("reason").schema(), "LOW_CONFIDENCE"));
    old.put("priority", 0.5);
    old.put("prediction", prediction);
    old.put("contentType", "image/png");
    old.put("image", java.nio.ByteBuffer.wrap(new byte[] {7, 8, 9}));
    old.put("requestedAt", 1_700_000_000_000L);
    byte[] bytes = AvroSerde.generic(v2, new KnownSchemas().register(v2)).serialize("review.requests.v1", old);

    ReviewRequest read = Topics.REVIEW_REQUESTS.valueSerde().deserializer().deserialize("review.requests.v1", bytes);

    assertThat(read.getFrameRecord()).isNull();
    assertThat(read.getImage()).isEqualTo(java.nio.ByteBuffer.wrap(new byte[] {7, 8, 9}));
  }

  @Test
  void shouldRoundTripAReviewRequestThatPointsAtItsFrameInsteadOfCarryingTheImage() {
    io.labelstream.schemas.avro.Prediction prediction = io.labelstream.schemas.avro.Prediction.newBuilder()
        .setFrameId("f-9").setModelName("m").setModelVersion("1").setClassIndex(0).setLabel("red").setTopK(List.of())
        .setMaxProbability(0.4).setMargin(0.1).setEntropy(1.0).setScore(0.4).setThreshold(0.9)
        .setRoute(io.labelstream.schemas.avro.Route.REVIEW).setPredictedAt(Instant.ofEpochMilli(1))
        .build();
    ReviewRequest request = ReviewRequest.newBuilder().setTaskId("t-9").setFrameId("f-9").setPriority(0.6)
        .setReason(io.labelstream.schemas.avro.ReviewReason.LOW_CONFIDENCE)
        .setPrediction(prediction).setContentType("image/jpeg").setRequestedAt(Instant.ofEpochMilli(2))
        .setFrameRecord(FrameRecord.newBuilder().setPartition(3).setOffset(41).build())
        .build();

    byte[] bytes = Topics.REVIEW_REQUESTS.valueSerde().serializer().serialize("review.requests.v1", request);
    ReviewRequest read = Topics.REVIEW_REQUESTS.valueSerde().deserializer().deserialize("review.requests.v1", bytes);

    assertThat(read.getImage()).isNull();
    assertThat(read.getFrameRecord().getPartition()).isEqualTo(3);
    assertThat(read.getFrameRecord().getOffset()).isEqualTo(41);
    assertThat(bytes.length).isLessThan(200);
  }

  @Test
  void shouldGiveTheSameFrameIdForTheSameDeviceAndIdempotencyKeyOnly() {
    assertThat(FrameIds.forIdempotencyKey("car-1", "k-1")).isEqualTo(FrameIds.forIdempotencyKey("car-1", "k-1"));
    assertThat(FrameIds.forIdempotencyKey("car-1", "k-1")).isNotEqualTo(FrameIds.forIdempotencyKey("car-2", "k-1"));
    assertThat(FrameIds.random()).isNotEqualTo(FrameIds.random());
  }
}
