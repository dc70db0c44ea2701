package org.camelreplicator.config;

import java.sql.SQLException;

/**
 * The source or target cannot be reached or refuses us; the message says which, where and what to
 * check. {@link #retriable()}: the server was reached and the session was then lost (terminated,
 * say), which is worth trying again; a refused or unreachable first connection is not, so that a
 * wrong URL fails within replicator.connect-timeout instead of being retried for minutes.
 */
public class ConnectionFailedException extends RuntimeException {

    private final boolean retriable;

    public ConnectionFailedException(String name, String url, Exception cause) {
        this(name, url, cause, false);
    }

    public ConnectionFailedException(String name, String url, Exception cause, boolean retriable) {
        super("Cannot connect to the " + name + " database at " + JdbcUrls.withoutSecrets(url) + ": "
                + rootMessage(cause) + sqlState(cause) + ". Check " + name + ".url, "
                + name + ".username and " + name + ".password.", cause);
        this.retriable = retriable;
    }

    public boolean retriable() {
        return retriable;
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
