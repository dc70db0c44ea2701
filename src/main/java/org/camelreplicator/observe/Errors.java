package org.camelreplicator.observe;

import java.sql.SQLException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import org.apache.camel.CamelExchangeException;
import org.apache.camel.CamelExecutionException;

/** One line that says what went wrong, for the ledger, the summary and the exit message. */
public final class Errors {

    private static final Pattern LINE_BREAKS = Pattern.compile("\\s*\\R\\s*");
    /** PostgreSQL's "Position: 28" points into a statement the message does not show. */
    private static final Pattern POSITION = Pattern.compile("\\R\\s*Position: \\d+");

    private Errors() {
    }

    /** The outermost message, plus the root cause's when it says something more, plus the SQLState. */
    public static String describe(Throwable error) {
        if (error == null) {
            return null;
        }
        // Camel's wrappers say where, not what: a split that stops on an exception ("Multicast processing failed for
        // number 4. Exchange[...]"), a request answered by an exception ("Exception occurred during execution on the
        // exchange: Exchange[...]"): say the cause
        while ((error instanceof CamelExchangeException || error instanceof CamelExecutionException) && error.getCause() != null) {
            error = error.getCause();
        }
        String message = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
        Throwable root = error;
        String sqlState = null;
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = error; t != null && seen.add(t); t = t.getCause()) {
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
        // drivers put details on further lines (PostgreSQL's "Detail:", "Where:"): keep them, on one line
        return LINE_BREAKS.matcher(POSITION.matcher(sb.toString()).replaceAll("")).replaceAll("; ");
    }

    /**
     * A refusal's description with what lifts it: the statements (GRANT ...) for the database's
     * owner or a superuser to run; the description alone when there are none.
     */
    public static String withGrants(String description, List<String> grants) {
        if (grants.isEmpty()) {
            return description;
        }
        return description + ". As a superuser or the object's owner, run: " + String.join("; ", grants);
    }
}
