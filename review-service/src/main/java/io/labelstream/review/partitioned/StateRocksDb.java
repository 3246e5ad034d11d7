package io.labelstream.review.partitioned;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.CompressionType;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteBufferManager;

/**
 * How the per-frame state's RocksDB stores are set up.
 *
 * <p>One memory budget for every store of this process, as Kafka Streams' memory management guide shows: by default
 * each store (one per partition, standbys included) takes its own 50 MiB block cache and three 16 MiB write buffers,
 * so a dozen partitions could hold most of a gigabyte outside the heap. Here they share {@value #TOTAL_BYTES} bytes,
 * write buffers included.
 *
 * <p>LZ4 compression, as the review state's own disk store has: Kafka Streams writes its stores uncompressed, and a
 * frame's history (names, JSON details) compresses well.
 */
public final class StateRocksDb implements RocksDBConfigSetter {

  static final long TOTAL_BYTES = 64L * 1024 * 1024;
  private static final long WRITE_BUFFER_BYTES = 16L * 1024 * 1024;

  static {
    RocksDB.loadLibrary();
  }

  private static final Cache CACHE = new LRUCache(TOTAL_BYTES, -1, false, 0.1);
  private static final WriteBufferManager WRITE_BUFFERS = new WriteBufferManager(WRITE_BUFFER_BYTES, CACHE);

  @Override
  public void setConfig(String storeName, Options options, Map<String, Object> configs) {
    BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
    table.setBlockCache(CACHE);
    table.setCacheIndexAndFilterBlocks(true);
    table.setPinTopLevelIndexAndFilter(true);
    options.setWriteBufferManager(WRITE_BUFFERS);
    options.setTableFormatConfig(table);
    options.setCompressionType(CompressionType.LZ4_COMPRESSION);
  }

  @Override
  public void close(String storeName, Options options) {
    // The cache and the write buffer manager are shared by every store: never closed here.
  }
}
