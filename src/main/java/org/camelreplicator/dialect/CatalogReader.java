package org.camelreplicator.dialect;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.camelreplicator.catalog.ColumnSpec;
import org.camelreplicator.catalog.ForeignKeySpec;
import org.camelreplicator.catalog.IndexSpec;
import org.camelreplicator.catalog.NotCarried;
import org.camelreplicator.catalog.TableSpec;

/**
 * Reads tables, columns and primary keys through {@link DatabaseMetaData}, which every JDBC driver
 * implements, then lets the dialect refine what the driver reports (exact type names, row
 * estimates).
 */
public final class CatalogReader {

    private final EngineDialect dialect;

    public CatalogReader(EngineDialect dialect) {
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
        return spec.withIndexesAndForeignKeys(readIndexes(c, md, spec), readForeignKeys(md, catalog, schema, table),
                dialect.prerequisites(c, spec));
    }

    /**
     * Secondary indexes, not the primary key's own index nor statistics, each with its kind: an index
     * with a key part that is no column of the table is an expression index, one with a filter a
     * partial index; the dialect adds what the driver does not say (FULLTEXT, SPATIAL, column
     * prefixes, partial indexes of SQLite). An ordinary index is kept once per column list.
     */
    private List<IndexSpec> readIndexes(Connection c, DatabaseMetaData md, TableSpec table) throws SQLException {
        Map<String, Boolean> unique = new LinkedHashMap<>();
        Map<String, TreeMap<Short, String>> columns = new LinkedHashMap<>();
        Set<String> expressions = new HashSet<>();
        Set<String> partial = new HashSet<>();
        try (ResultSet rs = md.getIndexInfo(table.catalog(), table.schema(), table.name(), false, true)) {
            while (rs.next()) {
                String name = rs.getString("INDEX_NAME");
                if (name == null || rs.getShort("TYPE") == DatabaseMetaData.tableIndexStatistic) {
                    continue;
                }
                String column = rs.getString("COLUMN_NAME");
                if (column == null || table.column(column).isEmpty()) {
                    expressions.add(name);
                }
                if (rs.getString("FILTER_CONDITION") != null) {
                    partial.add(name);
                }
                unique.put(name, !rs.getBoolean("NON_UNIQUE"));
                columns.computeIfAbsent(name, k -> new TreeMap<>()).put(rs.getShort("ORDINAL_POSITION"), column);
            }
        }
        List<IndexSpec> read = new ArrayList<>();
        for (Map.Entry<String, TreeMap<Short, String>> e : columns.entrySet()) {
            IndexSpec.Kind kind = partial.contains(e.getKey()) ? IndexSpec.Kind.PARTIAL
                    : expressions.contains(e.getKey()) ? IndexSpec.Kind.EXPRESSION : IndexSpec.Kind.PLAIN;
            read.add(new IndexSpec(e.getKey(), unique.get(e.getKey()), new ArrayList<>(e.getValue().values()), kind, null));
        }
        List<IndexSpec> result = new ArrayList<>();
        Set<List<Object>> seen = new HashSet<>();
        seen.add(List.of(table.primaryKey(), java.util.Collections.nCopies(table.primaryKey().size(), 0)));
        for (IndexSpec index : dialect.refineIndexes(c, table, read)) {
            if (index.kind() != IndexSpec.Kind.PLAIN || seen.add(List.of(index.columns(), index.prefixLengths()))) {
                result.add(index);
            }
        }
        return result;
    }

    /**
     * What the source holds around the given tables that a load does not carry to the target (views,
     * triggers, routines, ON UPDATE clauses, check constraints, comments), as the dialect reads them
     * from the engine's catalog: everything of the tables' schemas that belongs to no table, and what
     * belongs to one of the given tables. The indexes left out are the target schema's to say.
     */
    public List<NotCarried> notCarried(Connection connection, List<TableSpec> tables) throws SQLException {
        Map<List<String>, Map<String, TableSpec>> bySchema = new LinkedHashMap<>();
        for (TableSpec t : tables) {
            bySchema.computeIfAbsent(java.util.Arrays.asList(t.catalog(), t.schema()), k -> new HashMap<>()).put(t.name(), t);
        }
        List<NotCarried> result = new ArrayList<>();
        for (Map.Entry<List<String>, Map<String, TableSpec>> e : bySchema.entrySet()) {
            String schema = e.getKey().get(1);
            for (NotCarried item : dialect.notCarried(connection, e.getKey().get(0), schema)) {
                TableSpec table = item.table() == null ? null : e.getValue().get(item.table());
                if (table != null) {
                    // named as the run names its tables
                    result.add(new NotCarried(item.kind(), table.qualifiedName(), item.name(), item.reason()));
                } else if (item.table() == null) {
                    result.add(new NotCarried(item.kind(), null, schema == null ? item.name() : schema + "." + item.name(), item.reason()));
                }
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
