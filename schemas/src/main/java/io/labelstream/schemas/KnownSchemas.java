package io.labelstream.schemas;

import io.labelstream.schemas.avro.DatasetSnapshot;
import io.labelstream.schemas.avro.DeadLetter;
import io.labelstream.schemas.avro.Frame;
import io.labelstream.schemas.avro.GoldFrame;
import io.labelstream.schemas.avro.Label;
import io.labelstream.schemas.avro.Policy;
import io.labelstream.schemas.avro.Prediction;
import io.labelstream.schemas.avro.ReviewLeader;
import io.labelstream.schemas.avro.ReviewRequest;
import io.labelstream.schemas.avro.ReviewResult;
import io.labelstream.schemas.avro.TaskLease;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.SchemaStore;

/**
 * The writer schemas a reader can resolve, indexed by their 64-bit Avro fingerprint.
 *
 * <p>Single-object encoding puts only the writer schema's fingerprint in each record; this store turns the
 * fingerprint back into the schema so the reader can resolve it against its own. It knows every record's current
 * schema and every earlier version listed in {@code schema-history/index.txt}, so a service built today reads what
 * older services wrote. A registry-backed store can replace it behind the same {@link SchemaStore} interface.
 */
public final class KnownSchemas implements SchemaStore {

  private static final String HISTORY_INDEX = "/schema-history/index.txt";

  private final Map<Long, Schema> byFingerprint = new ConcurrentHashMap<>();

  /** The current schema of every LabelStream record plus the bundled history. */
  public static KnownSchemas bundled() {
    KnownSchemas store = new KnownSchemas();
    store.register(Frame.getClassSchema());
    store.register(Prediction.getClassSchema());
    store.register(ReviewRequest.getClassSchema());
    store.register(ReviewResult.getClassSchema());
    store.register(Label.getClassSchema());
    store.register(DeadLetter.getClassSchema());
    store.register(Policy.getClassSchema());
    store.register(GoldFrame.getClassSchema());
    store.register(TaskLease.getClassSchema());
    store.register(ReviewLeader.getClassSchema());
    store.register(DatasetSnapshot.getClassSchema());
    store.registerHistory();
    return store;
  }

  /** Adds a writer schema; registering the same schema twice is harmless. */
  public KnownSchemas register(Schema schema) {
    byFingerprint.put(SchemaNormalization.parsingFingerprint64(schema), schema);
    return this;
  }

  @Override
  public Schema findByFingerprint(long fingerprint) {
    return byFingerprint.get(fingerprint);
  }

  private void registerHistory() {
    try (InputStream index = KnownSchemas.class.getResourceAsStream(HISTORY_INDEX)) {
      if (index == null) {
        return;
      }
      for (String line : new String(index.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        String name = line.strip();
        if (name.isEmpty() || name.startsWith("#")) {
          continue;
        }
        try (InputStream schema = KnownSchemas.class.getResourceAsStream("/schema-history/" + name)) {
          if (schema == null) {
            throw new IllegalStateException("schema-history/index.txt lists " + name + " but the file is missing");
          }
          register(new Schema.Parser().parse(schema));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the bundled schema history", e);
    }
  }
}
