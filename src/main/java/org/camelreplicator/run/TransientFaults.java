package org.camelreplicator.run;

import org.apache.camel.Exchange;
import org.camelreplicator.config.ConnectionFailedException;
import org.camelreplicator.dialect.Databases;
import org.camelreplicator.config.ReplicatorSettings;
import org.camelreplicator.observe.Errors;
import org.camelreplicator.plan.Chunk;
import org.camelreplicator.plan.TablePlan;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routes' view of a failure: transient (retry, see errors.camel.yaml) or permanent (stop the
 * table). The rules live in the dialects of the source and the target, one place per engine.
 * Retries of one step go on while its failures are transient, for up to replicator.retry.max-seconds
 * after its first failure (and, when set, at most replicator.retry.max-retries times): an outage is
 * outlasted by time, not by a count of attempts that backoff spends in its first seconds.
 */
public final class TransientFaults {

    private static final Logger LOG = LoggerFactory.getLogger(TransientFaults.class);

    /** Exchange property prefix of a step's retries; the route that retries it completes the name. */
    private static final String RETRIES = "replicatorRetries:";

    private final Databases databases;
    private final StopSignal stop;
    private final long maxNanos;
    private final int maxRetries;

    public TransientFaults(Databases databases, StopSignal stop, ReplicatorSettings settings) {
        this.databases = databases;
        this.stop = stop;
        this.maxNanos = settings.retryMaxSeconds() * 1_000_000_000L;
        this.maxRetries = settings.maxRetries();
    }

    /** The retries of one step of one exchange so far: since when it fails, and how often it was tried again. */
    private record Retries(long firstFailureNanos, int count) {
    }

    /** The onWhen of the retry policy: the exchange's exception is worth trying again. */
    public boolean isTransient(Exchange exchange) {
        return isTransient(failure(exchange));
    }

    public boolean isTransient(Throwable error) {
        if (error == null || stop.stopping()) {
            return false;
        }
        for (Throwable t = error; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof ConnectionFailedException failed) {
                return failed.retriable();
            }
        }
        return databases.isTransient(error);
    }

    /**
     * The retryWhile of the retry policy, asked after each failure: one more attempt while the
     * failure is transient and the step has not used up its time (or its count). A step is the
     * route that retries it, once per exchange (each table and chunk has its own exchange).
     */
    public boolean retryWhile(Exchange exchange) {
        if (!isTransient(exchange)) {
            return false;
        }
        String key = RETRIES + exchange.getProperty(Exchange.FAILURE_ROUTE_ID, "", String.class);
        long now = System.nanoTime();
        Retries so = exchange.getProperty(key, Retries.class);
        if (so == null) {
            so = new Retries(now, 0);
        }
        boolean timeLeft = now - so.firstFailureNanos() < maxNanos;
        if (timeLeft && (maxRetries == 0 || so.count() < maxRetries)) {
            exchange.setProperty(key, new Retries(so.firstFailureNanos(), so.count() + 1));
            return true;
        }
        exchange.removeProperty(key);
        LOG.warn("Giving up on {} after {} retries over {} s ({}): {}", what(exchange), so.count(),
                Math.round((now - so.firstFailureNanos()) / 1e9),
                timeLeft ? "replicator.retry.max-retries=" + maxRetries : "replicator.retry.max-seconds=" + maxNanos / 1_000_000_000L,
                Errors.describe(failure(exchange)));
        return false;
    }

    /** Called before each new attempt: says what is retried, why, and which attempt comes. */
    public void beforeRetry(Exchange exchange) {
        Throwable error = failure(exchange);
        Retries so = exchange.getProperty(RETRIES + exchange.getProperty(Exchange.FAILURE_ROUTE_ID, "", String.class), Retries.class);
        int attempt = so == null ? 2 : so.count() + 1;
        String what = what(exchange);
        String message = Errors.describe(error);
        LOG.warn("Retrying {} (attempt {}) after a transient failure: {}", what, attempt, message);
        RunContext run = RunContext.of(exchange);
        if (run != null) {
            run.report().retried(table(exchange), errorClass(error), what + ": " + message);
        }
        if (lostConnection(error)) {
            databases.evictIdleConnections();
        }
    }

    /** A chunk (or a sync read) as its logs name it, else the step (the route that retries it) and its table. */
    private static String what(Exchange exchange) {
        if (exchange.getIn().getBody() instanceof Chunk chunk) {
            return chunk.toString();
        }
        String step = "step " + exchange.getProperty(Exchange.FAILURE_ROUTE_ID, "?", String.class);
        String table = table(exchange);
        return table == null ? step : step + " of " + table;
    }

    /** The table a step works on: its chunk's, its plan's, or the sync table it names; null for a step of the whole run. */
    private static String table(Exchange exchange) {
        Object body = exchange.getIn().getBody();
        if (body instanceof Chunk chunk) {
            return chunk.table().id();
        }
        if (body instanceof TablePlan plan) {
            return plan.id();
        }
        RunContext run = RunContext.of(exchange);
        String named = String.valueOf(body);
        return run != null && run.tables().stream().anyMatch(t -> t.id().equals(named)) ? named : null;
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
