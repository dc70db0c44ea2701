package org.camelreplicator.dialect;

import java.io.IOException;
import java.net.SocketException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.sql.SQLTransientException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * Errors worth trying again, by SQLState (which every driver reports) and, per engine, by vendor
 * error number. Everything else is permanent: retrying a constraint violation or a value that does
 * not fit only repeats it.
 */
public final class TransientErrors {

    /** Connection failures (class 08), serialization failure, deadlock, admin shutdown, cannot connect now, too many connections. */
    private static final Set<String> STATES = Set.of(
            "40001", // serialization_failure
            "40P01", // deadlock_detected (PostgreSQL)
            "55P03", // lock_not_available (PostgreSQL lock_timeout)
            "57P01", // admin_shutdown (pg_terminate_backend)
            "57P02", // crash_shutdown
            "57P03", // cannot_connect_now (server starting)
            "53300", // too_many_connections
            "53400", // configuration_limit_exceeded
            "HYT00", // timeout expired (ODBC-style, SQL Server and MySQL drivers)
            "HYT01");

    private TransientErrors() {
    }

    /**
     * Whether anything in the cause chain is a transient failure by the standard rules, or by
     * the engine's own error numbers.
     */
    public static boolean isTransient(Throwable error, Set<Integer> vendorCodes) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = error; t != null && seen.add(t); t = t.getCause()) {
            if (t instanceof SQLException sql) {
                // the exception itself, then the chain a batch or a driver hangs on it
                int next = 0;
                for (SQLException s = sql; s != null && next < 100; s = s.getNextException(), next++) {
                    if (transientSqlException(s, vendorCodes)) {
                        return true;
                    }
                }
            }
            if (t instanceof SocketException || t instanceof java.io.EOFException
                    || (t instanceof IOException && !(t instanceof java.io.FileNotFoundException))) {
                return true;
            }
        }
        return false;
    }

    private static boolean transientSqlException(SQLException s, Set<Integer> vendorCodes) {
        String state = s.getSQLState();
        if (state != null && (state.startsWith("08") || STATES.contains(state))) {
            return true;
        }
        if (s instanceof SQLRecoverableException || s instanceof SQLTransientConnectionException
                || (s instanceof SQLTransientException && !(s instanceof java.sql.SQLTimeoutException))) {
            return true;
        }
        return s.getErrorCode() != 0 && vendorCodes.contains(s.getErrorCode());
    }
}
