package org.camelreplicator.config;

import java.sql.SQLException;

/** The source or target cannot be reached or refuses us; the message says which, where and what to check. */
public class ConnectionFailedException extends RuntimeException {

    public ConnectionFailedException(String name, String url, Exception cause) {
        super("Cannot connect to the " + name + " database at " + JdbcUrls.withoutSecrets(url) + ": "
                + rootMessage(cause) + sqlState(cause) + ". Check " + name + ".url, "
                + name + ".username and " + name + ".password.", cause);
    }

    private static String sqlState(Throwable t) {
        for (; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && s.getSQLState() != null) {
                return " (SQLState " + s.getSQLState() + ")";
            }
        }
        return "";
    }

    private static String rootMessage(Throwable t) {
        String message = t.getMessage();
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
            if (t.getMessage() != null) {
                message = t.getMessage();
            }
        }
        return message;
    }
}
