package org.camelreplicator.dialect;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.Locale;
import org.camelreplicator.dialect.h2.H2Dialect;
import org.camelreplicator.dialect.mysql.MySqlDialect;
import org.camelreplicator.dialect.postgres.PostgresDialect;
import org.camelreplicator.dialect.sqlite.SqliteDialect;
import org.camelreplicator.dialect.sqlserver.SqlServerDialect;

/** Picks the dialect from what the connected engine says it is, not from the URL the user typed. */
public final class Dialects {

    private Dialects() {
    }

    public static Dialect of(Connection connection) throws SQLException {
        DatabaseMetaData md = connection.getMetaData();
        String product = md.getDatabaseProductName();
        String p = product.toLowerCase(Locale.ROOT);
        if (p.contains("postgresql")) {
            return new PostgresDialect();
        }
        if (p.equals("h2")) {
            return new H2Dialect();
        }
        if (p.contains("sqlite")) {
            return new SqliteDialect();
        }
        if (p.startsWith("microsoft sql server")) {
            return new SqlServerDialect();
        }
        if (p.equals("mysql") || p.equals("mariadb")) {
            return new MySqlDialect(product);
        }
        return new GenericDialect(product, md.getIdentifierQuoteString());
    }
}
