package dev.outboxpipeline.config;

import java.util.regex.Pattern;

/** Masks secrets in setting dumps and messages, as Debezium and HikariCP do. */
public final class Secrets {

    public static final String MASK = "****";

    private static final Pattern SECRET_KEY =
            Pattern.compile(".*(password|secret|sasl[._]jaas[._]config|credentials?)$", Pattern.CASE_INSENSITIVE);
    private static final Pattern URL_PASSWORD_PARAMETER =
            Pattern.compile("((?:password|sslpassword)=)[^&;\\s]*", Pattern.CASE_INSENSITIVE);
    private static final Pattern URL_USER_INFO = Pattern.compile("(//[^/:@\\s]+:)[^@/\\s]*@");

    private Secrets() {
    }

    /** Whether a setting's name (environment variable or client property) marks it as secret. */
    public static boolean isSecret(String key) {
        return SECRET_KEY.matcher(key).matches();
    }

    /** The value as it may be shown: masked when the key is secret. */
    public static String display(String key, String value) {
        return value == null ? null : isSecret(key) ? MASK : value;
    }

    /** A text (URL, driver message) with passwords inside URLs and parameters masked. */
    public static String maskInText(String text) {
        if (text == null) {
            return null;
        }
        String masked = URL_PASSWORD_PARAMETER.matcher(text).replaceAll("$1" + MASK);
        return URL_USER_INFO.matcher(masked).replaceAll("$1" + MASK + "@");
    }

    /** Also removes a known password verbatim, for messages of libraries that might echo it. */
    public static String maskInText(String text, String password) {
        String masked = maskInText(text);
        if (masked != null && password != null && !password.isEmpty()) {
            masked = masked.replace(password, MASK);
        }
        return masked;
    }
}
