package dev.outboxpipeline.lab.chaos;

import dev.outboxpipeline.config.JdbcSettings;
import dev.outboxpipeline.db.Connections;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/** What the source committed, read from the outbox rows the chaos load keeps, and the state of the relay's slot. */
final class SourceRecord {

    private SourceRecord() {
    }

    static List<CommittedEvent> committed(JdbcSettings source) {
        List<CommittedEvent> events = new ArrayList<>();
        try (Connection c = Connections.open(source); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT id, aggregatetype, aggregateid, aggregate_version, type FROM outbox")) {
            while (r.next()) {
                events.add(new CommittedEvent(r.getString(1), r.getString(2), r.getString(3), r.getLong(4), r.getString(5)));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the outbox: " + e.getMessage(), e);
        }
        return events;
    }

    /** Events written per second since {@code startMillis} (by their commit-side timestamp). */
    static List<long[]> perSecond(JdbcSettings source, long startMillis) {
        List<long[]> rows = new ArrayList<>();
        try (Connection c = Connections.open(source); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT floor((extract(epoch FROM created_at) * 1000 - " + startMillis
                     + ") / 1000)::bigint, count(*) FROM outbox GROUP BY 1 ORDER BY 1")) {
            while (r.next()) {
                rows.add(new long[] {r.getLong(1), r.getLong(2)});
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the outbox: " + e.getMessage(), e);
        }
        return rows;
    }

    /** The WAL the slot still holds back, in bytes (from its confirmed position), if the slot exists. */
    static OptionalLong retainedWal(JdbcSettings source, String slot) {
        try (Connection c = Connections.open(source); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint"
                     + " FROM pg_replication_slots WHERE slot_name = '" + slot + "'")) {
            return r.next() ? OptionalLong.of(r.getLong(1)) : OptionalLong.empty();
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the replication slot: " + e.getMessage(), e);
        }
    }
}
