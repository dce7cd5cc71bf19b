package dev.outboxpipeline.infra;

import java.util.Map;

/** Server settings every throwaway PostgreSQL gets: logical decoding for Debezium, on loopback only. */
final class PostgresSettings {

    static final Map<String, String> SERVER = Map.of(
            "listen_addresses", "127.0.0.1",
            "wal_level", "logical",
            "max_replication_slots", "100", // every relay test makes its own slot on the shared server
            "max_wal_senders", "100",
            "max_connections", "200",
            // throwaway data: durability on crash of the machine is not needed, speed is
            "fsync", "off",
            "synchronous_commit", "on",
            "full_page_writes", "off");

    /** The settings above with some replaced or added, e.g. {@code wal_level=replica} for a test of the relay's check. */
    static Map<String, String> with(Map<String, String> overrides) {
        Map<String, String> all = new java.util.LinkedHashMap<>(SERVER);
        all.putAll(overrides);
        return all;
    }

    private PostgresSettings() {
    }
}
