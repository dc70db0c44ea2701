package org.camelreplicator.copy;

import org.apache.camel.Exchange;
import org.camelreplicator.config.Databases;
import org.camelreplicator.plan.Chunk;
import org.camelreplicator.plan.RunContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routes' view of a failure: transient (retry, see errors.camel.yaml) or permanent (stop the
 * table). The rules live in the dialects of the source and the target, one place per engine.
 */
public final class TransientFaults {

    private static final Logger LOG = LoggerFactory.getLogger(TransientFaults.class);

    private final Databases databases;
    private final StopSignal stop;

    public TransientFaults(Databases databases, StopSignal stop) {
        this.databases = databases;
        this.stop = stop;
    }

    /** The onWhen of the retry policy: the exchange's exception is worth trying again. */
    public boolean isTransient(Exchange exchange) {
        Throwable error = failure(exchange);
        if (error == null || stop.stopping()) {
            return false;
        }
        return databases.targetDialect().isTransient(error) || databases.sourceDialect().isTransient(error);
    }

    /** Called before each new attempt: says what is retried, why, and which attempt comes. */
    public void beforeRetry(Exchange exchange) {
        Throwable error = failure(exchange);
        int attempt = exchange.getIn().getHeader(Exchange.REDELIVERY_COUNTER, 0, Integer.class) + 1;
        Object body = exchange.getIn().getBody();
        String what = body instanceof Chunk chunk ? chunk.toString() : String.valueOf(body);
        String message = org.camelreplicator.observe.Errors.describe(error);
        LOG.warn("Retrying {} (attempt {}) after a transient failure: {}", what, attempt, message);
        RunContext run = RunContext.of(exchange);
        if (run != null) {
            String table = body instanceof Chunk chunk ? chunk.table().id()
                    : body instanceof org.camelreplicator.plan.TablePlan plan ? plan.id() : null;
            run.report().retried(table, errorClass(error), what + ": " + message);
        }
        if (lostConnection(error)) {
            databases.evictIdleConnections();
        }
    }

    /** The SQLState of the failure (e.g. 40P01, 08006), or the class of its root cause: how retries are counted. */
    static String errorClass(Throwable error) {
        Throwable root = error;
        for (Throwable t = error; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof java.sql.SQLException s && s.getSQLState() != null) {
                return s.getSQLState();
            }
            root = t;
        }
        return root == null ? "unknown" : root.getClass().getSimpleName();
    }

    /** A connection failure (SQLState class 08, admin shutdown, I/O error) rather than, say, a deadlock. */
    static boolean lostConnection(Throwable error) {
        for (Throwable t = error; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof java.sql.SQLException s && s.getSQLState() != null
                    && (s.getSQLState().startsWith("08") || s.getSQLState().startsWith("57P"))) {
                return true;
            }
            if (t instanceof java.io.IOException) {
                return true;
            }
        }
        return false;
    }

    private static Throwable failure(Exchange exchange) {
        Throwable error = exchange.getException();
        return error != null ? error : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
    }
}
