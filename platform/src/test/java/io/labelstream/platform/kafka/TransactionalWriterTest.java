package io.labelstream.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.CoordinatorNotAvailableException;
import org.apache.kafka.common.errors.InvalidPidMappingException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionAbortableException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class TransactionalWriterTest {

  private final List<MockProducer<String, String>> made = new ArrayList<>();
  private final TransactionalWriter<String, String> writer = new TransactionalWriter<>(() -> {
    MockProducer<String, String> producer = new MockProducer<>(true, null, new StringSerializer(), new StringSerializer());
    made.add(producer);
    return producer;
  });

  static Stream<KafkaException> fatal() {
    return Stream.of(new ProducerFencedException("another producer has this transactional id"),
        new InvalidProducerEpochException("old epoch"),
        new InvalidPidMappingException("unknown producer id"),
        new OutOfOrderSequenceException("sequence gap"),
        new TransactionalIdAuthorizationException("not allowed"),
        new ClusterAuthorizationException("not allowed"),
        new TopicAuthorizationException("not allowed"),
        new UnsupportedVersionException("old broker"),
        new KafkaException("the transaction failed", new ProducerFencedException("fenced")));
  }

  static Stream<KafkaException> retriable() {
    return Stream.of(new TimeoutException("no answer"),
        new NotEnoughReplicasException("too few replicas"),
        new CoordinatorNotAvailableException("coordinator moving"),
        new TransactionAbortableException("abort and try again"),
        new KafkaException("broker went away"));
  }

  @ParameterizedTest
  @MethodSource("fatal")
  void shouldTreatTheErrorsKafkaDocumentsAsFatalToTheProducerAsFatal(KafkaException error) {
    assertThat(TransactionalWriter.isFatal(error)).isTrue();
  }

  @ParameterizedTest
  @MethodSource("retriable")
  void shouldTreatEveryOtherKafkaErrorAsOneTheProducerSurvives(KafkaException error) {
    assertThat(TransactionalWriter.isFatal(error)).isFalse();
  }

  @Test
  void shouldCommitTheRecordsAndTheOffsetsInOneTransaction() {
    writer.commit(List.of(record("a")), Map.of(new TopicPartition("in", 0), new OffsetAndMetadata(7)),
        new ConsumerGroupMetadata("group"));

    MockProducer<String, String> producer = made.get(0);
    assertThat(producer.transactionCommitted()).isTrue();
    assertThat(producer.history()).extracting(ProducerRecord::value).containsExactly("a");
    assertThat(producer.consumerGroupOffsetsHistory()).containsExactly(
        Map.of("group", Map.of(new TopicPartition("in", 0), new OffsetAndMetadata(7))));
  }

  @ParameterizedTest
  @MethodSource("retriable")
  void shouldAbortAndKeepItsProducerAfterAnErrorTheProducerSurvives(KafkaException error) {
    writer.initTransactions();
    made.get(0).commitTransactionException = error;

    assertThatThrownBy(() -> writer.commit(List.of(record("lost")), Map.of(), null)).isSameAs(error);
    made.get(0).commitTransactionException = null;
    writer.commit(List.of(record("kept")), Map.of(), null);

    assertThat(made).hasSize(1);
    assertThat(made.get(0).closed()).isFalse();
    assertThat(made.get(0).history()).extracting(ProducerRecord::value).containsExactly("kept");
  }

  @ParameterizedTest
  @MethodSource("fatal")
  void shouldCloseItsProducerAfterAFatalErrorAndWriteTheNextTransactionWithANewOne(KafkaException error) {
    writer.initTransactions();
    made.get(0).commitTransactionException = error;

    assertThatThrownBy(() -> writer.commit(List.of(record("lost")), Map.of(), null)).isSameAs(error);
    writer.commit(List.of(record("kept")), Map.of(), null);

    assertThat(made).hasSize(2);
    assertThat(made.get(0).closed()).isTrue();
    assertThat(made.get(1).transactionInitialized()).isTrue();
    assertThat(made.get(1).history()).extracting(ProducerRecord::value).containsExactly("kept");
  }

  @Test
  void shouldReplaceAProducerThatCannotEvenAbort() {
    writer.initTransactions();
    made.get(0).commitTransactionException = new TimeoutException("no answer");
    made.get(0).abortTransactionException = new KafkaException("cannot abort either");

    assertThatThrownBy(() -> writer.commit(List.of(record("lost")), Map.of(), null))
        .isInstanceOf(TimeoutException.class)
        .satisfies(e -> assertThat(e.getSuppressed()).hasSize(1));
    writer.commit(List.of(record("kept")), Map.of(), null);

    assertThat(made.get(0).closed()).isTrue();
    assertThat(made.get(1).history()).extracting(ProducerRecord::value).containsExactly("kept");
  }

  @Test
  void shouldStartANewProducerWhenRegisteringTheTransactionalIdWasFenced() {
    made.get(0).initTransactionException = new ProducerFencedException("fenced at once");

    assertThatThrownBy(writer::initTransactions).isInstanceOf(ProducerFencedException.class);
    writer.commit(List.of(record("kept")), Map.of(), null);

    assertThat(made).hasSize(2);
    assertThat(made.get(1).history()).extracting(ProducerRecord::value).containsExactly("kept");
  }

  private static ProducerRecord<String, String> record(String value) {
    return new ProducerRecord<>("out", "key", value);
  }
}
