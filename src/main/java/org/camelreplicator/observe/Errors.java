package org.camelreplicator.observe;

import java.sql.SQLException;

/** One line that says what went wrong, for the ledger, the summary and the exit message. */
public final class Errors {

    private Errors() {
    }

    /** The outermost message, plus the root cause's when it says something more, plus the SQLState. */
    public static String describe(Throwable error) {
        if (error == null) {
            return null;
        }
        String message = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
        Throwable root = error;
        String sqlState = null;
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            root = t;
            if (t instanceof SQLException s && s.getSQLState() != null && sqlState == null) {
                sqlState = s.getSQLState();
            }
        }
        StringBuilder sb = new StringBuilder(message.strip());
        if (root != error && root.getMessage() != null && !message.contains(root.getMessage().strip())) {
            sb.append(" (cause: ").append(root.getMessage().strip()).append(')');
        }
        if (sqlState != null && !message.contains(sqlState)) {
            sb.append(" [SQLState ").append(sqlState).append(']');
        }
        return sb.toString();
    }
}
