package dev.outboxpipeline.projector;

import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

import java.util.Map;

/**
 * Every RocksDB store of the process shares one block cache, which also holds the memtables: by default each store
 * instance takes up to 3 × 16 MiB of memtables plus its own 50 MiB cache, so a projector with some thirty store
 * instances (stores × partitions, window segments) could grow past its container's limit outside the heap.
 * Kafka Streams' own recipe for bounded memory (the {@code rocksdb.config.setter} documentation).
 */
public final class BoundedRocksDb implements RocksDBConfigSetter {

    /** Off-heap bytes of all stores together: index and filter blocks, data blocks and memtables. */
    public static final long TOTAL_BYTES = 128L << 20;
    /** The memtables' share of it. */
    public static final long MEMTABLE_BYTES = 32L << 20;
    private static final double INDEX_FILTER_BLOCK_RATIO = 0.1;

    // shared by every store instance of the JVM, so never closed by one of them
    private static final Cache CACHE = new LRUCache(TOTAL_BYTES, -1, false, INDEX_FILTER_BLOCK_RATIO);
    private static final WriteBufferManager WRITE_BUFFERS = new WriteBufferManager(MEMTABLE_BYTES, CACHE);

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        table.setBlockCache(CACHE);
        table.setCacheIndexAndFilterBlocks(true);
        table.setCacheIndexAndFilterBlocksWithHighPriority(true);
        table.setPinTopLevelIndexAndFilter(true);
        options.setWriteBufferManager(WRITE_BUFFERS);
        options.setMaxWriteBufferNumber(2);
        options.setWriteBufferSize(8L << 20);
        options.setTableFormatConfig(table);
    }

    @Override
    public void close(String storeName, Options options) {
        // the cache and the write buffer manager belong to every store, not to this one
    }
}
