package dev.outboxpipeline.verify;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.StringJoiner;

/** A streaming merge of two id-ordered row streams of one table, counting and keeping differences. */
final class TableComparison {

    private final ReadModelTable table;
    private final int listed;
    private final int remembered;
    private final List<Difference> differences = new ArrayList<>();
    private final Set<String> differingIds = new LinkedHashSet<>();
    private long expectedRows;
    private long actualRows;
    private long missing;
    private long extra;
    private long different;

    TableComparison(ReadModelTable table, int listed, int remembered) {
        this.table = table;
        this.listed = listed;
        this.remembered = remembered;
    }

    TableComparison run(Iterator<NormalisedRow> expected, Iterator<NormalisedRow> actual) {
        NormalisedRow e = expected.hasNext() ? expected.next() : null;
        NormalisedRow a = actual.hasNext() ? actual.next() : null;
        while (e != null || a != null) {
            int order = e == null ? 1 : a == null ? -1 : e.id().compareTo(a.id());
            if (order < 0) {
                expectedRows++;
                missing++;
                record(new Difference(Difference.Kind.MISSING, table.tableName(), e.id(),
                        "expected version " + e.version(), true));
                e = expected.hasNext() ? expected.next() : null;
            } else if (order > 0) {
                actualRows++;
                extra++;
                record(new Difference(Difference.Kind.EXTRA, table.tableName(), a.id(),
                        "version " + a.version() + " should not exist", true));
                a = actual.hasNext() ? actual.next() : null;
            } else {
                expectedRows++;
                actualRows++;
                compareValues(e, a);
                e = expected.hasNext() ? expected.next() : null;
                a = actual.hasNext() ? actual.next() : null;
            }
        }
        return this;
    }

    private void compareValues(NormalisedRow e, NormalisedRow a) {
        StringJoiner fields = new StringJoiner("; ");
        for (Map.Entry<String, String> value : e.values().entrySet()) {
            String actualValue = a.values().get(value.getKey());
            if (!Objects.equals(value.getValue(), actualValue)) {
                fields.add(value.getKey() + " expected " + value.getValue() + ", found " + actualValue);
            }
        }
        if (fields.length() > 0) {
            different++;
            record(new Difference(Difference.Kind.DIFFERENT, table.tableName(), e.id(), fields.toString(),
                    e.version() > a.version()));
        }
    }

    private void record(Difference d) {
        if (differences.size() < listed) {
            differences.add(d);
        }
        if (differingIds.size() < remembered) {
            differingIds.add(d.id());
        }
    }

    boolean allRemembered() {
        return differingIds.size() == missing + extra + different;
    }

    Set<String> differingIds() {
        return differingIds;
    }

    long behind() {
        return differences.stream().filter(Difference::behind).count();
    }

    TableReport report() {
        return new TableReport(table.tableName(), expectedRows, actualRows, missing, extra, different,
                List.copyOf(differences));
    }
}
