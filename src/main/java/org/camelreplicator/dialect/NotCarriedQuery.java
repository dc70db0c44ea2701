package org.camelreplicator.dialect;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import org.camelreplicator.catalog.NotCarried;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One catalog query of a dialect that lists one kind of thing a load does not carry: its rows are
 * (the table it belongs to, or NULL; its name, or NULL), and each {@code ?} is the schema (the
 * database, for MySQL).
 *
 * @param kind what the rows are
 * @param sql  the query
 */
public record NotCarriedQuery(NotCarried.Kind kind, String sql) {

    private static final Logger LOG = LoggerFactory.getLogger(NotCarriedQuery.class);

    /**
     * Runs the queries. One the engine refuses for good (an older version without that catalog
     * table, a privilege) is left out of the list with a warning that says which kind is missing;
     * a transient failure is thrown, to be retried.
     */
    public static List<NotCarried> readAll(Dialect dialect, Connection c, String schema, List<NotCarriedQuery> queries) throws SQLException {
        List<NotCarried> result = new ArrayList<>();
        for (NotCarriedQuery q : queries) {
            try {
                result.addAll(q.read(c, schema));
            } catch (SQLException e) {
                if (dialect.isTransient(e)) {
                    throw e;
                }
                LOG.warn("Cannot list the {} of {} in the source ({}); the report of what the load does not carry leaves them out",
                        q.kind().label(), schema, e.getMessage());
            }
        }
        return result;
    }

    public List<NotCarried> read(Connection c, String schema) throws SQLException {
        List<NotCarried> result = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int parameters = (int) sql.chars().filter(ch -> ch == '?').count();
            for (int i = 1; i <= parameters; i++) {
                ps.setString(i, schema);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    result.add(new NotCarried(kind, rs.getString(1), rs.getString(2)));
                }
            }
        }
        return result;
    }
}
