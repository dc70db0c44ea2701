package org.camelreplicator.catalog;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.camelreplicator.dialect.Dialect;

/**
 * Reads tables, columns and primary keys through {@link DatabaseMetaData}, which every JDBC driver
 * implements, then lets the dialect refine what the driver reports (exact type names, row
 * estimates).
 */
public final class CatalogReader {

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
        return dialect.refine(c, spec);
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
