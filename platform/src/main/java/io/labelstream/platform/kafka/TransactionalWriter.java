package io.labelstream.platform.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ApplicationRecoverableException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes records, with consumer offsets, as one Kafka transaction each, and is the one place that decides what a
 * failed transaction means for the producer ({@link #isFatal}):
 * <ul>
 *   <li>an error the producer survives: the transaction is aborted and the error thrown; the next transaction uses
 *       the same producer;</li>
 *   <li>an error after which the producer can only be closed: it is closed, the error thrown, and the next
 *       transaction starts a new producer with the same transactional id (its initTransactions fences whatever
 *       the old one left open).</li>
 * </ul>
 * Either way nothing of the failed transaction becomes visible to read_committed readers. The writer's
 * {@link #meters()} always describe the producer in use.
 *
 * @param <K> record key type
 * @param <V> record value type
 */
public final class TransactionalWriter<K, V> implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(TransactionalWriter.class);

  private final Supplier<? extends Producer<K, V>> newProducer;
  private final ClientMeters meters = ClientMeters.none();
  /** Null from a fatal error until the next transaction needs a producer. */
  private Producer<K, V> producer;
  private boolean initialised;

  /**
   * @param newProducer makes a producer with a transactional id (see {@link KafkaClients#transactionalProducer});
   *     called now, so the meters describe a producer from the start, and again after every fatal error
   */
  public TransactionalWriter(Supplier<? extends Producer<K, V>> newProducer) {
    this.newProducer = Objects.requireNonNull(newProducer);
    this.producer = newProducer.get();
    meters.follow(producer);
  }

  /**
   * Whether the producer that threw {@code error} can only be closed. These are the errors Kafka's producer
   * documents as fatal: {@link ApplicationRecoverableException} (ProducerFencedException, InvalidProducerEpochException,
   * InvalidPidMappingException: "fatal to the producer, the application needs to restart the producer"), and
   * OutOfOrderSequenceException, AuthorizationException and UnsupportedVersionException ("the only option left is to
   * call close()"). Every other KafkaException (a timeout, a broker that went away, an aborted transaction) leaves
   * the producer usable once the transaction is aborted. A cause counts as much as the error itself: commit throws
   * a send's failure wrapped.
   */
  public static boolean isFatal(Throwable error) {
    for (Throwable e = error; e != null; e = e.getCause() == e ? null : e.getCause()) {
      if (e instanceof ApplicationRecoverableException || e instanceof OutOfOrderSequenceException
          || e instanceof AuthorizationException || e instanceof UnsupportedVersionException) {
        return true;
      }
    }
    return false;
  }

  /**
   * Registers the transactional id with its coordinator now rather than at the first transaction, so a service
   * that cannot reach it fails at start-up. Blocks up to the producer's max.block.ms.
   */
  public synchronized void initTransactions() {
    current();
  }

  /**
   * Commits {@code records} and, in the same transaction, {@code offsets} for {@code group}; returns once both are
   * visible. Throws the KafkaException that stopped it otherwise, after aborting the transaction or replacing the
   * producer.
   *
   * @param offsets offsets to commit with the records; none when empty
   * @param group the consumer group the offsets belong to; its generation fences a member that has been replaced
   */
  public synchronized void commit(List<? extends ProducerRecord<K, V>> records,
      Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata group) {
    Producer<K, V> current = current();
    try {
      current.beginTransaction();
      for (ProducerRecord<K, V> record : records) {
        current.send(record);
      }
      if (!offsets.isEmpty()) {
        current.sendOffsetsToTransaction(offsets, group);
      }
      current.commitTransaction();
    } catch (KafkaException e) {
      if (isFatal(e)) {
        discard(e);
      } else {
        abort(current, e);
      }
      throw e;
    }
  }

  /** Micrometer's Kafka client meters of the producer in use; bind them once, they follow every replacement. */
  public ClientMeters meters() {
    return meters;
  }

  private Producer<K, V> current() {
    if (producer == null) {
      producer = newProducer.get();
      meters.follow(producer);
    }
    if (!initialised) {
      try {
        producer.initTransactions();
        initialised = true;
      } catch (KafkaException e) {
        if (isFatal(e)) {
          discard(e);
        }
        throw e; // otherwise (a timeout) initTransactions may simply be called again
      }
    }
    return producer;
  }

  private void abort(Producer<K, V> current, KafkaException failure) {
    try {
      current.abortTransaction();
    } catch (KafkaException abortError) {
      // A producer that cannot even abort is no use for the next transaction either.
      failure.addSuppressed(abortError);
      discard(abortError);
    }
  }

  private void discard(KafkaException why) {
    LOG.warn("closing a transactional producer that cannot go on ({}); the next transaction starts a new one",
        why.toString());
    meters.follow(null);
    producer.close(Duration.ZERO);
    producer = null;
    initialised = false;
  }

  /** Closes the producer in use, waiting up to {@code timeout} for what it still sends, and removes its meters. */
  public synchronized void close(Duration timeout) {
    meters.close();
    if (producer != null) {
      producer.close(timeout);
      producer = null;
    }
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(5));
  }
}
