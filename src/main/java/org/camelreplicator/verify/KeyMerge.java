package org.camelreplicator.verify;

import java.math.BigDecimal;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.camelreplicator.plan.KeyRange;
import org.camelreplicator.verify.TableSides.Side;

/**
 * Compares a range key by key: both sides' rows stream in key order (text keys by code point on
 * both, whatever their collations) and are merged like two sorted files, so a key only on the
 * source is missing on the target, one only on the target is extra, and a key on both whose values
 * differ is changed, with the columns that differ. Two rows in memory at a time. A side whose keys
 * do not come in the order the merge expects stops the comparison with an error, rather than
 * reporting rows that are not missing.
 */
final class KeyMerge {

    /** What the merge found: counts of each kind, and the first differing rows. */
    record Found(long missing, long extra, long changed, List<Difference> named) {
        long total() {
            return missing + extra + changed;
        }
    }

    private final VerifyTable table;
    private final int[] key;
    private final List<ValueForm> forms;

    KeyMerge(VerifyTable table) {
        this.table = table;
        this.key = table.key();
        this.forms = table.forms();
    }

    /** Merges the two sides of the range; names at most {@code maxNamed} rows. */
    Found compare(TableSides sides, KeyRange range, int maxNamed) throws SQLException {
        long missing = 0;
        long extra = 0;
        long changed = 0;
        List<Difference> named = new ArrayList<>();
        try (TableSides.Rows source = sides.rows(table, Side.SOURCE, range, true);
             TableSides.Rows target = sides.rows(table, Side.TARGET, range, true)) {
            String[] s = next(source, null, Side.SOURCE);
            String[] t = next(target, null, Side.TARGET);
            while (s != null || t != null) {
                int order = s == null ? 1 : t == null ? -1 : compareKeys(s, t);
                Difference d;
                if (order < 0) {
                    missing++;
                    d = new Difference(Difference.Kind.MISSING, key(s), List.of());
                    s = next(source, s, Side.SOURCE);
                } else if (order > 0) {
                    extra++;
                    d = new Difference(Difference.Kind.EXTRA, key(t), List.of());
                    t = next(target, t, Side.TARGET);
                } else {
                    List<String> columns = differingColumns(s, t);
                    d = columns.isEmpty() ? null : new Difference(Difference.Kind.CHANGED, key(s), columns);
                    if (d != null) {
                        changed++;
                    }
                    s = next(source, s, Side.SOURCE);
                    t = next(target, t, Side.TARGET);
                }
                if (d != null && named.size() < maxNamed) {
                    named.add(d);
                }
            }
        }
        return new Found(missing, extra, changed, named);
    }

    /** The side's next row, checked to come after the previous one in the merge's order. */
    private String[] next(TableSides.Rows rows, String[] previous, Side side) throws SQLException {
        String[] row = rows.next();
        if (row != null && previous != null && compareKeys(previous, row) >= 0) {
            throw new KeyOrderException("Verify of " + table.id() + ": the " + side.name().toLowerCase(java.util.Locale.ROOT)
                    + " returned key " + key(row) + " after " + key(previous) + ", not in the order the key-by-key comparison needs"
                    + " (its collation orders this key's text differently). The range's digests differ, but its rows cannot be"
                    + " named; verify --repair rewrites the range all the same.");
        }
        return row;
    }

    /** A side returned its keys in another order than the merge's: the range differs, but its rows cannot be named. */
    static final class KeyOrderException extends IllegalStateException {
        KeyOrderException(String message) {
            super(message);
        }
    }

    int compareKeys(String[] a, String[] b) {
        for (int k : key) {
            int c = compareValues(forms.get(k), a[k], b[k]);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    private static int compareValues(ValueForm form, String a, String b) {
        if (a == null || b == null) {
            return a == null ? (b == null ? 0 : -1) : 1;
        }
        if (form.numeric()) {
            try {
                return new BigDecimal(a).compareTo(new BigDecimal(b));
            } catch (NumberFormatException notANumber) {
                return a.compareTo(b);
            }
        }
        return codePointCompare(a, b);
    }

    /** Code point order, which UTF-8 bytes and binary collations sort by (String.compareTo sorts UTF-16 units). */
    static int codePointCompare(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    private List<String> differingColumns(String[] s, String[] t) {
        List<String> columns = new ArrayList<>();
        for (int i = 0; i < s.length; i++) {
            if (!Objects.equals(s[i], t[i])) {
                columns.add(table.plan().targetColumns().get(i));
            }
        }
        return columns;
    }

    /** (column=value, ...) with the target's column names. */
    private String key(String[] row) {
        List<String> parts = new ArrayList<>(key.length);
        for (int k : key) {
            parts.add(table.plan().targetColumns().get(k) + "=" + row[k]);
        }
        return "(" + String.join(", ", parts) + ")";
    }
}
