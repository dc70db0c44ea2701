package org.camelreplicator.dialect.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.camelreplicator.catalog.ColumnSpec;
import org.camelreplicator.catalog.IndexSpec;
import org.camelreplicator.catalog.NotCarried;
import org.camelreplicator.catalog.TableSpec;
import org.camelreplicator.dialect.Dialect;
import org.camelreplicator.dialect.NotCarriedQuery;
import org.camelreplicator.dialect.PostgresTypes;
import org.camelreplicator.dialect.ValueReader;
import org.camelreplicator.dialect.ValueReaders;

/**
 * SQLite: one schema, dynamic typing. The declared type decides the PostgreSQL type by SQLite's own
 * affinity rules; values are read as SQLite stored them (long, double, text, blob), so nothing is
 * rounded or coerced on the way.
 */
public final class SqliteDialect implements Dialect {

    private static final Pattern LENGTH = Pattern.compile("\\(\\s*(\\d+)\\s*(?:,\\s*(\\d+)\\s*)?\\)");

    private static final Pattern CHECK = Pattern.compile("\\bCHECK\\s*\\(", Pattern.CASE_INSENSITIVE);

    /** Views and triggers; check constraints are read from each table's CREATE statement ({@link #checks}). */
    static final List<NotCarriedQuery> NOT_CARRIED = List.of(
            new NotCarriedQuery(NotCarried.Kind.VIEW, "SELECT NULL, name FROM sqlite_master WHERE type = 'view' ORDER BY 2"),
            new NotCarriedQuery(NotCarried.Kind.TRIGGER, "SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger' ORDER BY 1, 2"));

    @Override
    public String name() {
        return "SQLite";
    }

    @Override
    public String defaultSchema(Connection c) {
        return null;
    }

    /** SQLITE_BUSY and SQLITE_LOCKED: another connection holds the database; it frees it soon. */
    @Override
    public Set<Integer> transientErrorCodes() {
        return Set.of(5, 6);
    }

    @Override
    public boolean isInternalTable(String table) {
        return table.startsWith("sqlite_");
    }

    /**
     * The driver reports only the first word of a declared type (NUMERIC, not NUMERIC(10,2)) and a
     * computed size; SQLite's own table_info has the declaration as written, which the mapping needs.
     */
    @Override
    public TableSpec refine(Connection c, TableSpec table) throws SQLException {
        Map<String, String> declared = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT name, type FROM pragma_table_info(?)")) {
            ps.setString(1, table.name());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    declared.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        List<ColumnSpec> columns = new ArrayList<>();
        for (ColumnSpec col : table.columns()) {
            String type = declared.getOrDefault(col.name(), col.typeName());
            columns.add(new ColumnSpec(col.name(), col.jdbcType(), type, col.size(), col.scale(), col.nullable(),
                    col.defaultValue(), col.autoIncrement()));
        }
        return new TableSpec(table.catalog(), table.schema(), table.name(), columns, table.primaryKey(), table.estimatedRows());
    }

    /** The driver reports a partial index ({@code CREATE INDEX ... WHERE ...}) as an ordinary one; index_list says which. */
    @Override
    public List<IndexSpec> refineIndexes(Connection c, TableSpec table, List<IndexSpec> indexes) throws SQLException {
        Set<String> partial = new java.util.HashSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT name FROM pragma_index_list(?) WHERE partial = 1")) {
            ps.setString(1, table.name());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    partial.add(rs.getString(1));
                }
            }
        }
        return indexes.stream().map(i -> partial.contains(i.name()) ? i.withKind(IndexSpec.Kind.PARTIAL) : i).toList();
    }

    /** Views and triggers from sqlite_master, and the CHECK constraints written in each table's CREATE TABLE. */
    @Override
    public List<NotCarried> notCarried(Connection c, String catalog, String schema) throws SQLException {
        List<NotCarried> result = new ArrayList<>(NotCarriedQuery.readAll(this, c, schema, NOT_CARRIED));
        try (java.sql.Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND sql IS NOT NULL ORDER BY 1")) {
            while (rs.next()) {
                for (String check : checks(rs.getString(2))) {
                    result.add(new NotCarried(NotCarried.Kind.CHECK, rs.getString(1), check));
                }
            }
        }
        return result;
    }

    /** Each {@code CHECK (...)} of a CREATE TABLE statement, as written (shortened past 60 characters). */
    static List<String> checks(String createTable) {
        List<String> result = new ArrayList<>();
        Matcher m = CHECK.matcher(createTable);
        while (m.find()) {
            int depth = 0;
            char quote = 0;
            int end = m.end() - 1;
            for (int i = end; i < createTable.length(); i++) {
                char ch = createTable.charAt(i);
                if (quote != 0) {
                    quote = ch == quote ? 0 : quote;
                } else if (ch == '\'' || ch == '"' || ch == '`') {
                    quote = ch;
                } else if (ch == '(') {
                    depth++;
                } else if (ch == ')' && --depth == 0) {
                    end = i;
                    break;
                }
            }
            String check = "CHECK " + createTable.substring(m.end() - 1, end + 1).replaceAll("\\s+", " ");
            result.add(check.length() > 60 ? check.substring(0, 57) + "..." : check);
        }
        return result;
    }

    /** SQLite streams by itself, and its driver refuses to change the read-only flag of an open connection. */
    @Override
    public void prepareForStreaming(Connection c) {
        // nothing to do
    }

    /** SQLite keeps dates as ISO text ("2009-01-01 00:00:00"), so a date boundary compares as text. */
    @Override
    public Object bindable(Object value) {
        return value instanceof LocalDate d ? d.toString() : value;
    }

    @Override
    public ValueReader reader(ColumnSpec column) {
        return ValueReaders.OBJECT;
    }

    /** BINARY compares the stored UTF-8 bytes: code point order (a column declared NOCASE would not). */
    @Override
    public String orderByCodePoint(String quotedColumn) {
        return quotedColumn + " COLLATE BINARY";
    }

    /** SQLite's type affinity (section 3.1 of "Datatypes In SQLite"), then the declared length or precision. */
    @Override
    public String postgresType(ColumnSpec column) {
        String declared = column.typeName() == null ? "" : column.typeName().toUpperCase(Locale.ROOT);
        Matcher m = LENGTH.matcher(declared);
        int length = 0;
        int scale = 0;
        if (m.find()) {
            length = Integer.parseInt(m.group(1));
            scale = m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
        }
        if (declared.contains("INT")) {
            return "bigint";
        }
        if (declared.contains("CHAR") || declared.contains("CLOB") || declared.contains("TEXT")) {
            return declared.startsWith("CHAR") || declared.startsWith("NCHAR") || declared.startsWith("NATIVE CHAR")
                    ? PostgresTypes.sized("char", length) : PostgresTypes.sized("varchar", length);
        }
        if (declared.contains("BLOB") || declared.isEmpty()) {
            return "bytea";
        }
        if (declared.contains("REAL") || declared.contains("FLOA") || declared.contains("DOUB")) {
            return "double precision";
        }
        if (declared.startsWith("BOOL")) {
            return "boolean";
        }
        if (declared.startsWith("DATETIME") || declared.startsWith("TIMESTAMP")) {
            return "timestamp";
        }
        if (declared.startsWith("DATE")) {
            return "date";
        }
        if (declared.startsWith("TIME")) {
            return "time";
        }
        return PostgresTypes.numeric(length, scale);
    }

    /** Values as stored: integers as numbers, timestamps as the text they are kept as. */
    @Override
    public ValueReader watermarkReader(ColumnSpec column) {
        return ValueReaders.OBJECT;
    }

    /** SQLite has no session time zone: 'now' is UTC, as CURRENT_TIMESTAMP defaults write it. */
    @Override
    public java.time.LocalDateTime localNow(Connection c) throws SQLException {
        try (java.sql.Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery("SELECT strftime('%Y-%m-%dT%H:%M:%f', 'now')")) {
            rs.next();
            return java.time.LocalDateTime.parse(rs.getString(1));
        }
    }
}
