package org.camelreplicator.support;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** What a user checks after a copy: counts, content hashes, names and rows, read with plain SQL. */
public final class Tables {

    private Tables() {
    }

    public static long count(Connection c, String table) throws SQLException {
        return single(c, "SELECT COUNT(*) FROM " + table);
    }

    public static long single(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    public static String text(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** PostgreSQL: md5 over every row's text form in key order; equal hashes mean equal content. */
    public static String contentHash(Connection c, String table, String orderBy) throws SQLException {
        return text(c, "SELECT md5(string_agg(t::text, E'\\n' ORDER BY " + orderBy + ")) FROM " + table + " t");
    }

    /** Every row as strings (getString of each column), in the given order. */
    public static List<List<String>> rows(Connection c, String sql) throws SQLException {
        List<List<String>> rows = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>(n);
                for (int i = 1; i <= n; i++) {
                    row.add(rs.getString(i));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    /** Column names of a PostgreSQL table in ordinal order. */
    public static List<String> columns(Connection c, String schema, String table) throws SQLException {
        List<String> names = new ArrayList<>();
        try (ResultSet rs = c.getMetaData().getColumns(null, schema, table, "%")) {
            while (rs.next()) {
                names.add(rs.getString("COLUMN_NAME"));
            }
        }
        return names;
    }

    /** Base tables of a PostgreSQL schema, sorted. */
    public static List<String> tableNames(Connection c, String schema) throws SQLException {
        List<String> names = new ArrayList<>();
        try (ResultSet rs = c.getMetaData().getTables(null, schema, "%", new String[] {"TABLE"})) {
            while (rs.next()) {
                names.add(rs.getString("TABLE_NAME"));
            }
        }
        names.sort(String::compareTo);
        return names;
    }
}
