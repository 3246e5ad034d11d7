package io.labelstream.inference.reliability;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * What `kafka-transactions`, `kafka-consumer-groups` and `kafka-get-offsets` would show, gathered with the Admin API
 * so that a stalled test explains itself: per partition the high watermark against the last stable offset (a gap
 * means an open transaction holds back read_committed readers), the transactions and producers the broker still
 * considers open, and the group's committed offsets.
 */
final class KafkaDiagnostics {

  private KafkaDiagnostics() {}

  static String describe(String bootstrapServers, String groupId, Collection<String> topics) {
    StringBuilder out = new StringBuilder();
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      List<TopicPartition> partitions = new ArrayList<>();
      admin.describeTopics(topics).allTopicNames().get(10, TimeUnit.SECONDS).forEach((name, description) ->
          description.partitions().forEach(p -> partitions.add(new TopicPartition(name, p.partition()))));
      Map<TopicPartition, OffsetSpec> latest = partitions.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest()));
      var highWatermarks = admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED)).all().get(10, TimeUnit.SECONDS);
      var stableOffsets = admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get(10, TimeUnit.SECONDS);
      out.append("offsets (high watermark / last stable offset):\n");
      for (TopicPartition partition : sorted(partitions)) {
        long hw = highWatermarks.get(partition).offset();
        long lso = stableOffsets.get(partition).offset();
        out.append("  ").append(partition).append(": ").append(hw).append(" / ").append(lso)
            .append(hw == lso ? "" : "   <-- held back by an open transaction").append('\n');
      }
      Collection<TransactionListing> transactions = admin.listTransactions().all().get(10, TimeUnit.SECONDS);
      out.append("transactions: ").append(transactions).append('\n');
      if (!transactions.isEmpty()) {
        admin.describeTransactions(transactions.stream().map(TransactionListing::transactionalId).toList())
            .all().get(10, TimeUnit.SECONDS).forEach((id, d) -> out.append("  ").append(id).append(": ").append(d).append('\n'));
      }
      out.append("producers with an open transaction:\n");
      admin.describeProducers(partitions).all().get(10, TimeUnit.SECONDS).forEach((partition, producers) ->
          producers.activeProducers().stream().filter(p -> p.currentTransactionStartOffset().isPresent())
              .forEach(p -> out.append("  ").append(partition).append(": ").append(p).append('\n')));
      for (boolean requireStable : new boolean[] {false, true}) {
        try {
          var offsets = admin.listConsumerGroupOffsets(groupId, new ListConsumerGroupOffsetsOptions().requireStable(requireStable))
              .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
          out.append("group ").append(groupId).append(" offsets (requireStable=").append(requireStable).append("): ")
              .append(new TreeMap<>(offsets.entrySet().stream().collect(Collectors.toMap(e -> e.getKey().toString(),
                  e -> e.getValue() == null ? "none" : Long.toString(e.getValue().offset()))))).append('\n');
        } catch (Exception e) {
          out.append("group ").append(groupId).append(" offsets (requireStable=").append(requireStable).append("): ")
              .append(e).append('\n');
        }
      }
      out.append("group: ").append(admin.describeConsumerGroups(List.of(groupId)).all().get(10, TimeUnit.SECONDS)).append('\n');
    } catch (Exception e) {
      out.append("diagnostics incomplete: ").append(e).append('\n');
    }
    return out.toString();
  }

  private static List<TopicPartition> sorted(List<TopicPartition> partitions) {
    return partitions.stream().sorted((a, b) -> a.topic().equals(b.topic())
        ? Integer.compare(a.partition(), b.partition()) : a.topic().compareTo(b.topic())).toList();
  }
}
