package dev.outboxpipeline.projector.analytics;

import dev.outboxpipeline.config.JdbcSettings;
import dev.outboxpipeline.db.Connections;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /dashboard}: a page that polls {@code /dashboard/data} and draws the window tables
 * with Chart.js from its WebJar on the classpath, so it works offline. The data come from the sink,
 * where analytics on write have already put the answers: no raw event is scanned.
 */
public final class Dashboard {

    private static final String CHART_JS_POM = "META-INF/maven/org.webjars.npm/chart.js/pom.properties";
    private static final String RECENT = "(SELECT max(window_start) FROM %s) - interval '30 minutes'";

    private final JdbcSettings sink;
    private final MeterRegistry registry;
    private final byte[] page = resource("dashboard/index.html");
    private final byte[] chartJs = resource("META-INF/resources/webjars/chart.js/" + chartJsVersion() + "/dist/chart.umd.js");

    public Dashboard(JdbcSettings sink, MeterRegistry registry) {
        this.sink = sink;
        this.registry = registry;
    }

    public void routes(Javalin app) {
        app.get("/dashboard", ctx -> ctx.contentType("text/html; charset=utf-8").result(page));
        app.get("/dashboard/chart.js", ctx -> ctx.contentType("text/javascript").header("Cache-Control", "max-age=3600").result(chartJs));
        app.get("/dashboard/data", this::data);
    }

    private void data(Context ctx) {
        Map<String, Object> data = new LinkedHashMap<>();
        try (Connection c = Connections.open(sink)) {
            data.put("ordersPerMinute", rows(c, "SELECT window_start, sum(orders), bool_and(final)"
                    + " FROM revenue_per_customer_minute WHERE window_start > " + RECENT.formatted("revenue_per_customer_minute")
                    + " GROUP BY window_start ORDER BY window_start", "windowStart", "orders", "final"));
            data.put("moving5m", rows(c, "SELECT window_end, orders, final FROM orders_moving_5m"
                    + " WHERE window_start > " + RECENT.formatted("orders_moving_5m") + " ORDER BY window_start",
                    "windowEnd", "orders", "final"));
            data.put("topCustomers", rows(c, "SELECT coalesce(c.name, r.customer_id::text), r.revenue, r.orders, r.final, r.window_start"
                    + " FROM revenue_per_customer_minute r LEFT JOIN customer c ON c.id = r.customer_id"
                    + " WHERE r.window_start = (SELECT max(window_start) FROM revenue_per_customer_minute)"
                    + " ORDER BY r.revenue DESC, r.customer_id LIMIT 10", "customer", "revenue", "orders", "final", "windowStart"));
        } catch (SQLException e) {
            ctx.status(503).json(Map.of("error", "the sink database does not answer: " + e.getSQLState()));
            return;
        }
        data.put("lagMs", lag());
        ctx.json(data);
    }

    /** The read model's end-to-end lag (source commit to sink commit), as its sink writer measures it. */
    private Map<String, Object> lag() {
        Map<String, Object> lag = new LinkedHashMap<>();
        Timer t = registry.find("projector.event.lag").timer();
        if (t != null) {
            for (ValueAtPercentile p : t.takeSnapshot().percentileValues()) {
                lag.put("p" + Math.round(p.percentile() * 100), Math.round(p.value(TimeUnit.MILLISECONDS)));
            }
        }
        return lag;
    }

    private static List<Map<String, Object>> rows(Connection c, String sql, String... names) throws SQLException {
        List<Map<String, Object>> rows = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(sql); ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 0; i < names.length; i++) {
                    Object v = rs.getObject(i + 1);
                    row.put(names[i], v instanceof java.time.temporal.TemporalAccessor || v instanceof java.sql.Timestamp
                            ? rs.getTimestamp(i + 1).toInstant().toString() : v);
                }
                rows.add(row);
            }
        }
        return rows;
    }

    private static String chartJsVersion() {
        Properties p = new Properties();
        try (InputStream in = Dashboard.class.getClassLoader().getResourceAsStream(CHART_JS_POM)) {
            if (in == null) {
                throw new IllegalStateException("the Chart.js WebJar is not on the classpath (" + CHART_JS_POM + ")");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p.getProperty("version");
    }

    private static byte[] resource(String name) {
        try (InputStream in = Dashboard.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
