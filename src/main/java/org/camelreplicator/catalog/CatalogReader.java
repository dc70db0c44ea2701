package org.camelreplicator.catalog;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.camelreplicator.dialect.Dialect;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads tables, columns and primary keys through {@link DatabaseMetaData}, which every JDBC driver
 * implements, then lets the dialect refine what the driver reports (exact type names, row
 * estimates).
 */
public final class CatalogReader {

    private static final Logger LOG = LoggerFactory.getLogger(CatalogReader.class);

    private final Dialect dialect;

    public CatalogReader(Dialect dialect) {
        this.dialect = dialect;
    }

    /** All base tables of one schema (or of the whole database when the engine has no schemas). */
    public List<TableSpec> readTables(Connection connection, String schema) throws SQLException {
        DatabaseMetaData md = connection.getMetaData();
        String catalog = dialect.catalog(connection);
        List<String[]> names = new ArrayList<>();
        try (ResultSet rs = md.getTables(catalog, pattern(md, schema), "%", dialect.tableTypes())) {
            while (rs.next()) {
                String tableSchema = rs.getString("TABLE_SCHEM");
                if (tableSchema != null && dialect.isSystemSchema(tableSchema)) {
                    continue;
                }
                names.add(new String[] {rs.getString("TABLE_CAT"), tableSchema, rs.getString("TABLE_NAME")});
            }
        }
        List<TableSpec> tables = new ArrayList<>(names.size());
        for (String[] n : names) {
            if (dialect.isInternalTable(n[2])) {
                continue;
            }
            tables.add(readTable(connection, md, n[0], n[1], n[2]));
        }
        return tables;
    }

    /** The schemas the source has, for error messages that list what could have been meant. */
    public List<String> schemas(Connection connection) throws SQLException {
        List<String> result = new ArrayList<>();
        try (ResultSet rs = connection.getMetaData().getSchemas()) {
            while (rs.next()) {
                String s = rs.getString("TABLE_SCHEM");
                if (!dialect.isSystemSchema(s)) {
                    result.add(s);
                }
            }
        }
        return result;
    }

    private TableSpec readTable(Connection c, DatabaseMetaData md, String catalog, String schema, String table)
            throws SQLException {
        Map<Integer, ColumnSpec> columns = new TreeMap<>();
        try (ResultSet rs = md.getColumns(catalog, pattern(md, schema), pattern(md, table), "%")) {
            while (rs.next()) {
                int size = rs.getInt("COLUMN_SIZE");
                int scale = rs.getInt("DECIMAL_DIGITS");
                String autoIncrement = rs.getString("IS_AUTOINCREMENT");
                columns.put(rs.getInt("ORDINAL_POSITION"), new ColumnSpec(
                        rs.getString("COLUMN_NAME"),
                        rs.getInt("DATA_TYPE"),
                        rs.getString("TYPE_NAME"),
                        size,
                        scale,
                        rs.getInt("NULLABLE") != DatabaseMetaData.columnNoNulls,
                        rs.getString("COLUMN_DEF"),
                        "YES".equalsIgnoreCase(autoIncrement)));
            }
        }
        Map<Short, String> keyColumns = new TreeMap<>();
        try (ResultSet rs = md.getPrimaryKeys(catalog, schema, table)) {
            while (rs.next()) {
                keyColumns.put(rs.getShort("KEY_SEQ"), rs.getString("COLUMN_NAME"));
            }
        }
        TableSpec spec = new TableSpec(catalog, schema, table, new ArrayList<>(columns.values()),
                new ArrayList<>(keyColumns.values()), -1);
        spec = dialect.refine(c, spec);
        return spec.withIndexesAndForeignKeys(readIndexes(md, catalog, schema, table, spec.primaryKey()),
                readForeignKeys(md, catalog, schema, table), dialect.prerequisites(c, spec));
    }

    /**
     * Secondary indexes: not the primary key's own index, not statistics, not expression indexes
     * (logged: they have no column list to carry over), and one index per column list.
     */
    private List<IndexSpec> readIndexes(DatabaseMetaData md, String catalog, String schema, String table,
                                        List<String> primaryKey) throws SQLException {
        Map<String, Boolean> unique = new LinkedHashMap<>();
        Map<String, TreeMap<Short, String>> columns = new LinkedHashMap<>();
        Set<String> expressions = new HashSet<>();
        try (ResultSet rs = md.getIndexInfo(catalog, schema, table, false, true)) {
            while (rs.next()) {
                String name = rs.getString("INDEX_NAME");
                if (name == null || rs.getShort("TYPE") == DatabaseMetaData.tableIndexStatistic) {
                    continue;
                }
                String column = rs.getString("COLUMN_NAME");
                if (column == null || column.startsWith("(") || rs.getString("FILTER_CONDITION") != null) {
                    expressions.add(name);
                }
                unique.put(name, !rs.getBoolean("NON_UNIQUE"));
                columns.computeIfAbsent(name, k -> new TreeMap<>()).put(rs.getShort("ORDINAL_POSITION"), column);
            }
        }
        List<IndexSpec> result = new ArrayList<>();
        Set<List<String>> seen = new HashSet<>();
        seen.add(primaryKey);
        for (Map.Entry<String, TreeMap<Short, String>> e : columns.entrySet()) {
            if (expressions.contains(e.getKey())) {
                LOG.info("{}.{}: index {} uses an expression or a filter; it is not carried over", schema, table, e.getKey());
                continue;
            }
            List<String> cols = new ArrayList<>(e.getValue().values());
            if (seen.add(cols)) {
                result.add(new IndexSpec(e.getKey(), unique.get(e.getKey()), cols));
            }
        }
        return result;
    }

    /**
     * Foreign keys, their columns in key order. Drivers list the rows of several keys to one table
     * interleaved by key position; named keys are grouped by name, unnamed ones (SQLite) by
     * position: a position 1 starts a key, position n joins the first key of that table with n-1 columns.
     */
    private List<ForeignKeySpec> readForeignKeys(DatabaseMetaData md, String catalog, String schema, String table) throws SQLException {
        Map<String, List<String[]>> named = new LinkedHashMap<>();
        Map<String, List<List<String[]>>> unnamed = new LinkedHashMap<>();
        try (ResultSet rs = md.getImportedKeys(catalog, schema, table)) {
            while (rs.next()) {
                String name = rs.getString("FK_NAME");
                String referenced = rs.getString("PKTABLE_NAME");
                String[] part = {name, rs.getString("PKTABLE_SCHEM"), referenced, rs.getString("PKCOLUMN_NAME"),
                        rs.getString("FKCOLUMN_NAME"), rule(rs.getShort("UPDATE_RULE")), rule(rs.getShort("DELETE_RULE"))};
                short position = rs.getShort("KEY_SEQ");
                if (name != null && !name.isEmpty()) {
                    named.computeIfAbsent(name, k -> new ArrayList<>()).add(part);
                } else {
                    List<List<String[]>> groups = unnamed.computeIfAbsent(referenced, k -> new ArrayList<>());
                    List<String[]> group = position <= 1 ? null
                            : groups.stream().filter(g -> g.size() == position - 1).findFirst().orElse(null);
                    if (group == null) {
                        group = new ArrayList<>();
                        groups.add(group);
                    }
                    group.add(part);
                }
            }
        }
        List<List<String[]>> all = new ArrayList<>(named.values());
        unnamed.values().forEach(all::addAll);
        List<ForeignKeySpec> result = new ArrayList<>();
        for (List<String[]> parts : all) {
            String[] first = parts.get(0);
            result.add(new ForeignKeySpec(first[0], parts.stream().map(p -> p[4]).toList(), first[1], first[2],
                    parts.stream().map(p -> p[3]).toList(), first[5], first[6]));
        }
        return result;
    }

    private static String rule(short rule) {
        return switch (rule) {
            case DatabaseMetaData.importedKeyCascade -> "CASCADE";
            case DatabaseMetaData.importedKeySetNull -> "SET NULL";
            case DatabaseMetaData.importedKeySetDefault -> "SET DEFAULT";
            case DatabaseMetaData.importedKeyRestrict -> "RESTRICT";
            default -> "NO ACTION";
        };
    }

    /** Metadata calls take LIKE patterns: escape the wildcards a real name may contain. */
    private static String pattern(DatabaseMetaData md, String name) throws SQLException {
        if (name == null) {
            return null;
        }
        String escape = md.getSearchStringEscape();
        if (escape == null || escape.isEmpty()) {
            return name;
        }
        return name.replace(escape, escape + escape).replace("_", escape + "_").replace("%", escape + "%");
    }
}
