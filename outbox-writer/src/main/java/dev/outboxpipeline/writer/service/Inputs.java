package dev.outboxpipeline.writer.service;

import dev.outboxpipeline.writer.domain.NewLine;

import java.math.BigDecimal;
import java.util.List;

/** Checks of what clients send, shared by the HTTP API and the load generator. */
final class Inputs {

    static final int MAX_TEXT = 200;
    static final int MAX_LINES = 100;

    private Inputs() {
    }

    static String text(String field, String value) {
        if (value == null) {
            throw new InvalidInputException(field, "is required");
        }
        String trimmed = value.strip();
        if (trimmed.isEmpty()) {
            throw new InvalidInputException(field, "must not be blank");
        }
        if (trimmed.length() > MAX_TEXT) {
            throw new InvalidInputException(field, "is longer than " + MAX_TEXT + " characters");
        }
        // PostgreSQL's text cannot hold U+0000, and a lone surrogate is no character at all
        for (int i = 0; i < trimmed.length(); i++) {
            char c = trimmed.charAt(i);
            if (Character.isISOControl(c)) {
                throw new InvalidInputException(field, "must not hold control characters (found U+%04X)".formatted((int) c));
            }
            if (Character.isSurrogate(c) && !(Character.isHighSurrogate(c) && i + 1 < trimmed.length()
                    && Character.isLowSurrogate(trimmed.charAt(++i)))) {
                throw new InvalidInputException(field, "is not valid Unicode text (a lone surrogate)");
            }
        }
        return trimmed;
    }

    static String email(String field, String value) {
        String email = text(field, value);
        int at = email.indexOf('@');
        if (at < 1 || at != email.lastIndexOf('@') || at == email.length() - 1 || email.contains(" ")) {
            throw new InvalidInputException(field, "is not an email address: write it as name@example.com");
        }
        return email;
    }

    static List<NewLine> lines(List<NewLine> lines) {
        if (lines == null || lines.isEmpty()) {
            throw new InvalidInputException("lines", "must hold at least one line");
        }
        if (lines.size() > MAX_LINES) {
            throw new InvalidInputException("lines", "holds more than " + MAX_LINES + " lines");
        }
        for (int i = 0; i < lines.size(); i++) {
            NewLine line = lines.get(i);
            String at = "lines[" + i + "].";
            text(at + "sku", line.sku());
            if (line.quantity() < 1) {
                throw new InvalidInputException(at + "quantity", "must be at least 1");
            }
            BigDecimal price = line.unitPrice();
            if (price == null) {
                throw new InvalidInputException(at + "unitPrice", "is required");
            }
            if (price.signum() < 0 || price.stripTrailingZeros().scale() > 2 || price.precision() - price.scale() > 17) {
                throw new InvalidInputException(at + "unitPrice", "must be an amount from 0 with at most 2 decimals");
            }
        }
        return lines.stream().map(l -> new NewLine(l.sku().strip(), l.quantity(), l.unitPrice().setScale(2))).toList();
    }
}
