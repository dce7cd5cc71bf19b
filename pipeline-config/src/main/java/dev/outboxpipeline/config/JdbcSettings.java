package dev.outboxpipeline.config;

/**
 * Where a PostgreSQL database is and how to log in, from {@code <PREFIX>_URL}, {@code _USER} and
 * {@code _PASSWORD}. {@link #toString()} never shows the password.
 */
public record JdbcSettings(String variablePrefix, String url, String user, String password) {

    private static final String URL_PREFIX = "jdbc:postgresql://";

    public static final String SOURCE = "SOURCE_DB";
    public static final String SINK = "SINK_DB";

    public static JdbcSettings fromEnv(Env env, String prefix) {
        JdbcSettings settings = new JdbcSettings(prefix,
                env.required(prefix + "_URL", "jdbc:postgresql://localhost:5432/shop"),
                env.get(prefix + "_USER", "postgres"),
                env.secret(prefix + "_PASSWORD"));
        settings.validate();
        return settings;
    }

    public static JdbcSettings of(String variablePrefix, String url, String user, String password) {
        JdbcSettings settings = new JdbcSettings(variablePrefix, url, user, password == null ? "" : password);
        settings.validate();
        return settings;
    }

    public void validate() {
        if (url == null || !url.startsWith(URL_PREFIX) || url.length() == URL_PREFIX.length()) {
            throw new ConfigException(urlVariable() + "=" + Secrets.maskInText(url, password)
                    + " is not a PostgreSQL JDBC URL: write it as jdbc:postgresql://HOST:PORT/DATABASE");
        }
        if (user == null || user.isBlank()) {
            throw new ConfigException(variablePrefix + "_USER is empty: name the database user");
        }
    }

    public String urlVariable() {
        return variablePrefix + "_URL";
    }

    /** The URL as it may be shown in logs and messages. */
    public String safeUrl() {
        return Secrets.maskInText(url, password);
    }

    @Override
    public String toString() {
        return "JdbcSettings[" + variablePrefix + ": url=" + safeUrl() + ", user=" + user + ", password="
                + (password.isEmpty() ? "(none)" : Secrets.MASK) + "]";
    }
}
