package dev.outboxpipeline.projector.sink;

import dev.outboxpipeline.config.JdbcSettings;
import dev.outboxpipeline.db.Connections;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/** The sink store's identity ({@code sink_identity}, drawn at its first migration) and its database's name. */
public record SinkIdentity(String database, UUID storeId) {

    public static SinkIdentity read(JdbcSettings sink) {
        try (Connection c = Connections.open(sink); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT current_database(), store_id FROM sink_identity")) {
            if (!rs.next()) {
                throw new IllegalStateException("the sink " + sink.safeUrl() + " has no row in sink_identity");
            }
            return new SinkIdentity(rs.getString(1), rs.getObject(2, UUID.class));
        } catch (SQLException e) {
            throw new IllegalStateException("reading the sink's identity failed: " + e.getMessage(), e);
        }
    }

    /** {@code bootstrap-<database>-<store id>}: a valid application id, unique to this store. */
    public String defaultApplicationId() {
        return "bootstrap-" + database.replaceAll("[^A-Za-z0-9._-]", "_") + "-" + storeId;
    }
}
