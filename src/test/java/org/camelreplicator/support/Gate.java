package org.camelreplicator.support;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;

/**
 * A point in a PostgreSQL database where the replicator's statement waits until the test lets it
 * through, so a test can act at an exact step (terminate that session, kill the process) without
 * sleeping. Either a trigger whose function waits for an advisory lock the gate holds
 * ({@link #trigger}), or a table lock the gate holds ({@link #lock}). While closed, the statements
 * that reach it wait; {@link #open} lets them (and all later ones) through.
 */
public final class Gate implements AutoCloseable {

    private static final AtomicInteger KEYS = new AtomicInteger(4200);

    private final String url;
    private final Connection holder;
    private final String waitCondition;
    private final String dropTrigger;
    private boolean open;

    private Gate(String url, Connection holder, String waitCondition, String dropTrigger) {
        this.url = url;
        this.holder = holder;
        this.waitCondition = waitCondition;
        this.dropTrigger = dropTrigger;
    }

    /**
     * A gate on {@code table}: a row trigger ({@code event} such as "BEFORE UPDATE", for the rows
     * {@code when} matches) that waits for the gate's advisory lock.
     */
    public static Gate trigger(String url, String table, String event, String when) throws SQLException {
        int key = KEYS.incrementAndGet();
        String name = "test_gate_" + key;
        TestPostgres.execute(url, "CREATE FUNCTION " + name + "() RETURNS trigger LANGUAGE plpgsql AS $$"
                        + " BEGIN PERFORM pg_advisory_xact_lock_shared(" + key + "); RETURN NEW; END $$",
                "CREATE TRIGGER " + name + " " + event + " ON " + table + " FOR EACH ROW WHEN (" + when + ") EXECUTE FUNCTION " + name + "()");
        Connection holder = TestPostgres.connect(url);
        try (Statement st = holder.createStatement()) {
            st.execute("SELECT pg_advisory_lock(" + key + ")");
        }
        return new Gate(url, holder, "l.locktype = 'advisory' AND l.objid = " + key,
                "DROP TRIGGER " + name + " ON " + table);
    }

    /** A gate that holds a PostgreSQL advisory lock (a bigint key), such as the one a run takes on its ledger. */
    public static Gate advisoryLock(String url, long key) throws SQLException {
        Connection holder = TestPostgres.connect(url);
        try (Statement st = holder.createStatement()) {
            st.execute("SELECT pg_advisory_lock(" + key + ")");
        }
        return new Gate(url, holder, "l.locktype = 'advisory' AND l.classid::bigint = " + (key >>> 32)
                + " AND l.objid::bigint = " + (key & 0xFFFFFFFFL), null);
    }

    /** A gate that holds a table lock ({@code lockSql}, e.g. LOCK TABLE t IN ACCESS EXCLUSIVE MODE) in an open transaction. */
    public static Gate lock(String url, String table, String lockSql) throws SQLException {
        Connection holder = TestPostgres.connect(url);
        holder.setAutoCommit(false);
        try (Statement st = holder.createStatement()) {
            st.execute(lockSql);
        }
        return new Gate(url, holder, "l.locktype = 'relation' AND l.relation = '" + table + "'::regclass", null);
    }

    /** Waits until at least {@code sessions} sessions wait at the gate, failing fast when {@code ended} becomes true. */
    public void awaitWaiting(int sessions, Callable<Boolean> ended) {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(20))
                .failFast("the replicator ended before reaching the gate", ended)
                .until(() -> waiting() >= sessions);
    }

    /** Sessions waiting at the gate now. */
    public long waiting() throws SQLException {
        try (Connection c = TestPostgres.connect(url)) {
            return Tables.single(c, "SELECT COUNT(*) FROM pg_locks l WHERE NOT l.granted AND " + waitCondition);
        }
    }

    /** Terminates the sessions waiting at the gate (pg_terminate_backend), as a failover or an administrator would. */
    public long terminateWaiting() throws SQLException {
        try (Connection c = TestPostgres.connect(url)) {
            return Tables.single(c, "SELECT COUNT(pg_terminate_backend(l.pid)) FROM pg_locks l WHERE NOT l.granted AND " + waitCondition);
        }
    }

    /** Lets every statement through from now on. */
    public void open() throws SQLException {
        if (open) {
            return;
        }
        open = true;
        holder.close();
        if (dropTrigger != null) {
            TestPostgres.execute(url, dropTrigger);
        }
    }

    @Override
    public void close() throws SQLException {
        open();
    }
}
