package dev.outboxpipeline.writer.domain;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.outboxpipeline.config.ConfigException;
import dev.outboxpipeline.config.JdbcSettings;
import dev.outboxpipeline.db.Connections;
import org.hibernate.SessionFactory;
import org.hibernate.boot.MetadataSources;
import org.hibernate.boot.registry.StandardServiceRegistry;
import org.hibernate.boot.registry.StandardServiceRegistryBuilder;
import org.hibernate.cfg.AvailableSettings;
import org.hibernate.tool.schema.spi.SchemaManagementException;

import javax.sql.DataSource;
import java.time.Duration;

/**
 * The shop's source database: a HikariCP pool and a Hibernate session factory that maps the domain onto
 * the Flyway schema and validates the mapping against it at start ({@code hbm2ddl.auto=validate}).
 */
public final class ShopDatabase implements AutoCloseable {

    public static final int DEFAULT_POOL_SIZE = 10;
    private static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(10);
    private static final int JDBC_BATCH_SIZE = 50;

    private final HikariDataSource dataSource;
    private final SessionFactory sessionFactory;

    private ShopDatabase(HikariDataSource dataSource, SessionFactory sessionFactory) {
        this.dataSource = dataSource;
        this.sessionFactory = sessionFactory;
    }

    /** Opens the pool and the session factory; fails naming the setting to fix when the database is unreachable. */
    public static ShopDatabase open(JdbcSettings settings, int poolSize) {
        Connections.check(settings);
        HikariDataSource dataSource = new HikariDataSource(poolConfig(settings, poolSize));
        try {
            return new ShopDatabase(dataSource, sessionFactory(dataSource));
        } catch (SchemaManagementException e) {
            dataSource.close();
            throw new ConfigException("the source database at " + settings.safeUrl() + " does not have the shop's schema ("
                    + e.getMessage() + "): run ./pipeline migrate --target source", e);
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
    }

    private static HikariConfig poolConfig(JdbcSettings settings, int poolSize) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("writer");
        config.setJdbcUrl(settings.url());
        config.setUsername(settings.user());
        config.setPassword(settings.password());
        config.setMaximumPoolSize(poolSize);
        config.setConnectionTimeout(CONNECTION_TIMEOUT.toMillis());
        // Hibernate begins every transaction itself; connections come out of the pool ready for it
        config.setAutoCommit(false);
        // one multi-row INSERT for a batch of inserts (an order's lines, a deleted customer's events)
        config.addDataSourceProperty("reWriteBatchedInserts", "true");
        return config;
    }

    private static SessionFactory sessionFactory(DataSource dataSource) {
        StandardServiceRegistry registry = new StandardServiceRegistryBuilder()
                .applySetting(AvailableSettings.JAKARTA_NON_JTA_DATASOURCE, dataSource)
                .applySetting(AvailableSettings.HBM2DDL_AUTO, "validate")
                .applySetting(AvailableSettings.INTERCEPTOR, new NewAggregates())
                .applySetting(AvailableSettings.CONNECTION_PROVIDER_DISABLES_AUTOCOMMIT, "true")
                .applySetting(AvailableSettings.STATEMENT_BATCH_SIZE, Integer.toString(JDBC_BATCH_SIZE))
                .applySetting(AvailableSettings.ORDER_INSERTS, "true")
                .applySetting(AvailableSettings.ORDER_UPDATES, "true")
                .build();
        try {
            return new MetadataSources(registry)
                    .addAnnotatedClass(Customer.class)
                    .addAnnotatedClass(PurchaseOrder.class)
                    .buildMetadata()
                    .buildSessionFactory();
        } catch (RuntimeException e) {
            StandardServiceRegistryBuilder.destroy(registry);
            throw e;
        }
    }

    public SessionFactory sessionFactory() {
        return sessionFactory;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    @Override
    public void close() {
        try {
            sessionFactory.close();
        } finally {
            dataSource.close();
        }
    }
}
