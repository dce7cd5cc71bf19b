package dev.outboxpipeline.lab.chaos;

import dev.outboxpipeline.config.JdbcSettings;
import dev.outboxpipeline.db.Connections;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A trigger in the sink that records every version the projector applies, in schema {@code chaos}: the record of
 * what the sink did over time, kept by the database rather than by the projector under test.
 */
final class SinkAudit {

    static final List<String> TABLES = List.of("customer", "purchase_order");

    private SinkAudit() {
    }

    /** Installs the audit on a migrated sink, before any projector writes to it. */
    static void install(JdbcSettings sink) {
        try (Connection c = Connections.open(sink); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS chaos");
            s.execute("CREATE TABLE IF NOT EXISTS chaos.applied (seq bigserial PRIMARY KEY, tbl text NOT NULL,"
                    + " id uuid NOT NULL, version bigint NOT NULL, op char(1) NOT NULL,"
                    + " at timestamptz NOT NULL DEFAULT clock_timestamp())");
            s.execute("CREATE OR REPLACE FUNCTION chaos.audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                    + " IF TG_OP = 'DELETE' THEN"
                    + "   INSERT INTO chaos.applied (tbl, id, version, op) VALUES (TG_TABLE_NAME, OLD.id, OLD.version, 'D');"
                    + "   RETURN OLD;"
                    + " END IF;"
                    + " INSERT INTO chaos.applied (tbl, id, version, op) VALUES (TG_TABLE_NAME, NEW.id, NEW.version, 'W');"
                    + " RETURN NEW; END $$");
            for (String table : TABLES) {
                s.execute("DROP TRIGGER IF EXISTS chaos_audit ON " + table);
                s.execute("CREATE TRIGGER chaos_audit AFTER INSERT OR UPDATE OR DELETE ON " + table
                        + " FOR EACH ROW EXECUTE FUNCTION chaos.audit()");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not install the sink audit: " + e.getMessage(), e);
        }
    }

    static List<AppliedChange> read(JdbcSettings sink) {
        List<AppliedChange> changes = new ArrayList<>();
        try (Connection c = Connections.open(sink); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT seq, tbl, id, version, op FROM chaos.applied ORDER BY seq")) {
            while (r.next()) {
                changes.add(new AppliedChange(r.getLong(1), r.getString(2), r.getString(3), r.getLong(4),
                        r.getString(5).equals("D")));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the sink audit: " + e.getMessage(), e);
        }
        return changes;
    }

    /** Changes applied per second since {@code startMillis}, for the timeline. */
    static List<long[]> perSecond(JdbcSettings sink, long startMillis) {
        List<long[]> rows = new ArrayList<>();
        try (Connection c = Connections.open(sink); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT floor((extract(epoch FROM at) * 1000 - " + startMillis
                     + ") / 1000)::bigint AS second, count(*) FROM chaos.applied GROUP BY 1 ORDER BY 1")) {
            while (r.next()) {
                rows.add(new long[] {r.getLong(1), r.getLong(2)});
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the sink audit: " + e.getMessage(), e);
        }
        return rows;
    }
}
