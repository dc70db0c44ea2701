package org.camelreplicator.dialect;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.List;

import javax.sql.DataSource;

import org.apache.camel.CamelContext;
import org.camelreplicator.config.ConnectionFailedException;
import org.camelreplicator.config.InvalidSettingException;
import org.camelreplicator.config.JdbcUrls;
import org.camelreplicator.config.PrivilegeRefusedException;

/**
 * The source and target datasources ({@code source} and {@code target} beans of
 * application.properties) and their dialects, detected from the engines on first use.
 */
public final class Databases {

    private final CamelContext context;
    private volatile Runnable beforeFirstSourceUse = () -> { };
    /** Where HikariCP's own meters go (active, idle, pending connections, timeouts, usage), or null. */
    private volatile Object poolMeters;
    private volatile DataSource source;
    private volatile DataSource target;
    private volatile Dialect sourceDialect;
    private volatile Dialect targetDialect;
    private volatile String sourceDescription;
    private volatile String targetDescription;
    private final SourceSnapshot sourceSnapshot = new SourceSnapshot();

    public Databases(CamelContext context) {
        this.context = context;
    }

    /** Work to do before the source is first connected to, such as generating the demo database. */
    public void beforeFirstSourceUse(Runnable preparation) {
        this.beforeFirstSourceUse = preparation;
    }

    public DataSource source() {
        DataSource ds = source;
        if (ds == null) {
            synchronized (this) {
                if (source == null) {
                    beforeFirstSourceUse.run();
                    source = lookup("source");
                }
                ds = source;
            }
        }
        return ds;
    }

    /** The snapshot a load's reads import (load --stream's exact hand-off), empty otherwise. */
    public SourceSnapshot sourceSnapshot() {
        return sourceSnapshot;
    }

    public DataSource target() {
        DataSource ds = target;
        if (ds == null) {
            ds = target = lookup("target");
        }
        return ds;
    }

    public SourceDialect sourceDialect() {
        if (sourceDialect == null) {
            detect(true);
        }
        return sourceDialect;
    }

    public TargetDialect targetDialect() {
        if (targetDialect == null) {
            detect(false);
        }
        return targetDialect;
    }

    /** "PostgreSQL 17.6 at jdbc:postgresql://host:5432/db": what the logs say about an endpoint. */
    public String describeSource() {
        sourceDialect();
        return sourceDescription;
    }

    public String describeTarget() {
        targetDialect();
        return targetDescription;
    }

    private synchronized void detect(boolean isSource) {
        if ((isSource ? sourceDialect : targetDialect) != null) {
            return;
        }
        String name = isSource ? "source" : "target";
        Connection connection;
        try {
            connection = (isSource ? source() : target()).getConnection();
        } catch (SQLException | RuntimeException e) {
            // HikariCP reports a failed first connection as PoolInitializationException, the driver's error as its cause
            throw new ConnectionFailedException(name, url(name), e, reachedThenLost(e));
        }
        try (Connection c = connection) {
            DatabaseMetaData md = c.getMetaData();
            Dialect d = Dialects.of(c);
            String description = md.getDatabaseProductName() + " " + md.getDatabaseProductVersion()
                    + " at " + JdbcUrls.withoutSecrets(md.getURL());
            if (isSource) {
                sourceDialect = d;
                sourceDescription = description;
            } else {
                targetDialect = d;
                targetDescription = description;
            }
        } catch (SQLException | RuntimeException e) {
            // the server was reached: losing the session now (a terminated backend, say) is worth a retry
            throw new ConnectionFailedException(name, url(name), e, TransientErrors.isTransient(e, java.util.Set.of()));
        }
    }

    private String url(String name) {
        return context.resolvePropertyPlaceholders("{{" + name + ".url}}");
    }

    /**
     * A first connection that reached the server and was then lost (its session terminated while
     * the pool set it up: 08003, 08006, 57P01) or told "not now" (starting, too many connections):
     * worth a retry. A refused or unreachable one (08001) or refused credentials are not.
     */
    private static boolean reachedThenLost(Throwable e) {
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof SQLException s && s.getSQLState() != null
                    && (s.getSQLState().startsWith("57P") || List.of("08003", "08006", "53300").contains(s.getSQLState()))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether trying again may succeed: by the rules of each side's dialect, and the standard rules
     * ({@link TransientErrors}) for a side not detected yet (a failure while detecting it).
     */
    public boolean isTransient(Throwable error) {
        Dialect target = targetDialect;
        Dialect source = sourceDialect;
        return (target != null ? target.isTransient(error) : TransientErrors.isTransient(error, java.util.Set.of()))
                || (source != null && source.isTransient(error));
    }

    /**
     * The statements (GRANT ...) that would lift the refusal (SQLState 42501) in this error, asked of
     * the database that refused: the target's when it knows the refused object, else the source's.
     * Empty when the error is no refusal, or no database can tell; asking never hides the error itself.
     */
    public List<String> grantsFor(Throwable error) {
        SQLException refusal = refusal(error);
        if (refusal == null) {
            return List.of();
        }
        for (boolean isTarget : new boolean[] {true, false}) {
            try {
                EngineDialect dialect = isTarget ? targetDialect() : sourceDialect();
                List<Privilege> refused = dialect.refused(refusal, isTarget);
                if (!refused.isEmpty()) {
                    try (Connection c = (isTarget ? target() : source()).getConnection()) {
                        List<String> grants = dialect.missingGrants(c, refused);
                        if (!grants.isEmpty()) {
                            return grants;
                        }
                    }
                }
            } catch (SQLException | RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(Databases.class).debug("Asking the {} which privileges are missing failed",
                        isTarget ? "target" : "source", e);
            }
        }
        return List.of();
    }

    /**
     * Refuses the command (exit status 2) unless the target's user has these privileges: before
     * anything is written, with the statements that grant what is missing.
     */
    public void requireTargetPrivileges(String command, List<Privilege> needed) throws SQLException {
        List<String> grants;
        try (Connection c = target().getConnection()) {
            grants = targetDialect().missingGrants(c, needed);
        }
        if (!grants.isEmpty()) {
            throw new PrivilegeRefusedException("The target database user lacks privileges this " + command + " needs ("
                    + describeTarget() + "). As a superuser or the owner, run: " + String.join("; ", grants)
                    + "; then run the " + command + " again. Nothing was written.", null);
        }
    }

    private static SQLException refusal(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException s && "42501".equals(s.getSQLState())) {
                return s;
            }
        }
        return null;
    }

    /**
     * After a connection failure, the other idle connections of the pools are likely dead too (a
     * restarted server, a dropped network): HikariCP closes the idle ones now and the busy ones when
     * they come back, so a retry does not spend its attempts on them.
     */
    public void evictIdleConnections() {
        for (DataSource ds : new DataSource[] {source, target}) {
            if (ds instanceof com.zaxxer.hikari.HikariDataSource hikari && hikari.getHikariPoolMXBean() != null) {
                hikari.getHikariPoolMXBean().softEvictConnections();
            }
        }
    }

    /**
     * Rolls back after {@code failure} and answers whether it could. A connection lost with the
     * failure cannot (HikariCP then answers "Connection is closed", without a SQLState): that
     * second error is kept as suppressed, so the failure the caller throws stays the one that
     * says why, and whether it is worth a retry.
     */
    public static boolean rollbackAfter(Connection c, Exception failure) {
        try {
            c.rollback();
            return true;
        } catch (SQLException lost) {
            failure.addSuppressed(lost);
            return false;
        }
    }

    /** Closes the connection pools that were used; Camel does not close beans it created from properties. */
    public void close() {
        for (DataSource ds : new DataSource[] {source, target}) {
            if (ds instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    org.slf4j.LoggerFactory.getLogger(Databases.class).warn("Closing a connection pool failed: {}", e.getMessage());
                }
            }
        }
    }

    /** Threads waiting for a connection, in both pools together (0 for a pool not started). */
    public int poolPending() {
        int pending = 0;
        for (DataSource ds : new DataSource[] {source, target}) {
            if (ds instanceof com.zaxxer.hikari.HikariDataSource hikari && hikari.getHikariPoolMXBean() != null) {
                pending += hikari.getHikariPoolMXBean().getThreadsAwaitingConnection();
            }
        }
        return pending;
    }

    /** HikariCP's meters of both pools go to this Micrometer registry (set before the pools start). */
    public void poolMeters(Object meterRegistry) {
        this.poolMeters = meterRegistry;
    }

    private DataSource lookup(String name) {
        DataSource ds = context.getRegistry().lookupByNameAndType(name, DataSource.class);
        if (ds == null) {
            throw new InvalidSettingException(name + ".url", "No '" + name + "' datasource is configured. Declare it in "
                    + "application.properties as camel.beans." + name + " = #class:com.zaxxer.hikari.HikariDataSource");
        }
        // a pool starts with its first connection: until then it takes a meter registry
        if (poolMeters != null && ds instanceof com.zaxxer.hikari.HikariDataSource hikari && hikari.getHikariPoolMXBean() == null
                && hikari.getMetricRegistry() == null && hikari.getMetricsTrackerFactory() == null) {
            hikari.setMetricRegistry(poolMeters);
        }
        return ds;
    }
}
