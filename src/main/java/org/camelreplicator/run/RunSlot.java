package org.camelreplicator.run;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.camel.Exchange;
import org.apache.camel.support.SynchronizationAdapter;
import org.camelreplicator.dialect.Databases;
import org.camelreplicator.config.ReplicatorSettings;
import org.camelreplicator.dialect.TargetDialect;
import org.camelreplicator.ledger.Ledger;
import org.camelreplicator.ledger.RunRecord;
import org.camelreplicator.observe.ConsoleProgress;
import org.camelreplicator.observe.RunReport;
import org.camelreplicator.observe.RunReportFile;
import org.camelreplicator.plan.RunRequest;

import static org.camelreplicator.observe.RunReport.CONSOLE;

/**
 * The one run (a load or a sync) this process may have going on a target, and what every run does
 * when it begins and ends. A second run is refused while one runs, so two never write the same
 * target tables at once; the slot is released when the run's exchange completes, however it ended.
 */
public final class RunSlot {

    /** The exchange property that holds the path of the run report a run wrote (a job file gets a copy). */
    public static final String REPORT_FILE = "replicator.reportFile";

    /** The exchange property with the start time of the run an attempt of a start recorded (or was recording). */
    private static final String OPENING = "replicatorOpening";

    /** The high half of the ledger lock's key ("CREP"); the low half is the ledger schema's hash. */
    private static final long LEDGER_LOCK = 0x43524550L << 32;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RunSlot.class);

    private final AtomicBoolean busy = new AtomicBoolean();
    private volatile boolean closed;
    private final Databases databases;
    private final ReplicatorSettings settings;
    private final Ledger ledger;
    private final StopSignal stop;
    private volatile RunContext current;
    /** The target session that holds the ledger's lock for the run, or null. */
    private volatile Connection lockSession;
    /** The run that holds (or must hold again) the ledger's lock, while it runs on a target that has one. */
    private volatile RunRequest lockedFor;
    private ConsoleProgress console;
    private org.camelreplicator.observe.ProgressFiles progressFiles;
    private volatile Runnable atEnd = () -> { };

    /** Which route files run (RoutesFolder.describe), printed with the source and target. */
    private final String routes;

    public RunSlot(Databases databases, ReplicatorSettings settings, Ledger ledger, StopSignal stop, String routes) {
        this.databases = databases;
        this.routes = routes;
        this.settings = settings;
        this.ledger = ledger;
        this.stop = stop;
    }

    /** What every run does last (the alerts' check). */
    public void atEnd(Runnable last) {
        this.atEnd = last;
    }

    /** The progress files of loads and syncs (set once Camel's scheduler exists). */
    public void progressFiles(org.camelreplicator.observe.ProgressFiles files) {
        this.progressFiles = files;
    }

    /** The live console (set once Camel's scheduler exists); off for --quiet and --json. */
    public void console(ConsoleProgress console) {
        this.console = console;
    }

    /**
     * Takes the slot for the run of this exchange, or refuses with the run that holds it. Nothing
     * here talks to a database, so it is never repeated by a retry: {@link #lock} is the part that does.
     */
    public void take(RunRequest request, Exchange exchange) {
        if (closed || stop.shuttingDown()) {
            throw new LoadRunningException("The process is stopping; this " + request.command() + " is refused."
                    + " Start it again once the process has restarted.");
        }
        if (!busy.compareAndSet(false, true)) {
            RunContext running = current;
            throw new LoadRunningException("A " + (running == null ? "run" : running.request().command() + " (run " + running.runId() + ")")
                    + " is already running in this process; this " + request.command() + " is refused, so two runs never write"
                    + " the same target at once. Wait for it to end, or stop it (JMX operation stop).");
        }
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                synchronized (RunSlot.this) {
                    lockedFor = null;
                    unlock(lockSession);
                    lockSession = null;
                }
                synchronized (RunSlot.this) {
                    busy.set(false);
                    RunSlot.this.notifyAll();
                }
            }
        });
        stop.reset();
    }

    /**
     * The run's first contact with the databases: takes the ledger's lock on the target and says
     * which source and target the run reads and writes. Retried on transient failures; a retry
     * keeps the lock an earlier attempt took.
     */
    public void lock(RunRequest request) throws SQLException {
        synchronized (this) {
            if (lockSession == null) {
                lockSession = lockLedger(request);
                lockedFor = lockSession == null ? null : request;
            }
        }
        String source = databases.describeSource();
        String target = databases.describeTarget();
        if (!"command line".equals(request.source())) {
            CONSOLE.info("{} started by {}", request.command().substring(0, 1).toUpperCase() + request.command().substring(1), request.source());
        }
        CONSOLE.info("Source: {}", source);
        CONSOLE.info("Target: {}", target);
        CONSOLE.info("Routes: {}", routes);
    }

    /**
     * Takes the ledger's lock on the target for the run (a session lock: the server drops it when
     * this process dies, however), or refuses with the process that holds it: two processes on one
     * ledger (a serve and a command-line sync, say) would otherwise copy the same chunks twice.
     * Waits up to replicator.lock-wait-seconds for the other run to end (or for the server to notice
     * a killed process).
     * Answers the session that holds it, or null where the target has no such lock.
     */
    private Connection lockLedger(RunRequest request) throws SQLException {
        long key = ledgerLockKey();
        TargetDialect target = databases.targetDialect();
        List<String> lock = target.lockSql(key, settings.lockWaitSeconds());
        if (lock.isEmpty()) {
            return null;
        }
        Connection c = databases.target().getConnection();
        try (Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            try {
                for (String sql : lock) {
                    st.execute(sql);
                }
                c.commit();
                c.setAutoCommit(true);
                return c;
            } catch (SQLException notTaken) {
                if (!Databases.rollbackAfter(c, notTaken)) {
                    // the session is gone (terminated, say): the failure says so, and is worth a retry
                    throw notTaken;
                }
                String holder = null;
                try (ResultSet rs = st.executeQuery(target.lockHolderSql(key))) {
                    holder = rs.next() ? rs.getString(1) : null;
                }
                if (holder == null) {
                    throw notTaken;
                }
                Optional<RunRecord> running = ledger.exists() ? ledger.latestRun().filter(r -> RunRecord.RUNNING.equals(r.status()))
                        : Optional.empty();
                String run = running.map(r -> r.command() + " run " + r.id() + ", started " + r.startedAt() + ", ").orElse("");
                throw new LoadRunningException("Another process is running a load or sync with the ledger " + settings.ledgerSchema()
                        + " on this target (" + run + holder + "); this " + request.command() + " waited " + settings.lockWaitSeconds()
                        + " s (replicator.lock-wait-seconds) and is refused, so two runs never write the same target at once."
                        + " Wait for it to end, or stop it (SIGTERM, or the JMX operation stop).");
            }
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /**
     * Before each chunk: the session that holds the ledger's lock is still there, or the lock is
     * taken again on a new one. A terminated session (a failover, an administrator, a pooler) drops
     * its lock with it, and a run that went on without it could meet a second process on the same
     * chunks. When another process took the lock meanwhile, this refuses the chunk, naming it.
     */
    public synchronized void ensureLocked() throws SQLException {
        RunRequest request = lockedFor;
        if (request == null || (lockSession != null && lockSession.isValid(5))) {
            return;
        }
        if (lockSession != null) {
            LOG.warn("The target session that held the ledger's lock is gone (terminated, or the connection dropped); taking the lock again");
            try {
                lockSession.close();
            } catch (SQLException e) {
                LOG.debug("Closing the lost lock session failed: {}", e.getMessage());
            }
            lockSession = null;
        }
        lockSession = lockLedger(request);
    }

    private long ledgerLockKey() {
        return ledgerLockKey(settings.ledgerSchema());
    }

    /** The key of the ledger's lock for a ledger schema: "CREP" in the high half, the schema's hash in the low half. */
    public static long ledgerLockKey(String ledgerSchema) {
        return LEDGER_LOCK | (ledgerSchema.hashCode() & 0xFFFFFFFFL);
    }

    private void unlock(Connection lock) {
        if (lock == null) {
            return;
        }
        long key = ledgerLockKey();
        try (Connection c = lock; Statement st = c.createStatement()) {
            st.execute(databases.targetDialect().unlockSql(key));
        } catch (SQLException e) {
            LOG.warn("Releasing the ledger's lock on the target failed ({}); the server releases it when the connection closes", e.getMessage());
        }
    }

    /**
     * The run an earlier attempt of this exchange's start recorded, if its INSERT committed (the
     * answer may have been lost with the connection): a retried start goes on with it.
     */
    public Optional<RunRecord> openedEarlier(String command, Exchange exchange) throws SQLException {
        OffsetDateTime opening = exchange.getProperty(OPENING, OffsetDateTime.class);
        return opening == null ? Optional.empty() : ledger.runStartedAt(command, opening);
    }

    /** Records a new run; its start time is kept in the exchange first, for {@link #openedEarlier}. */
    public long open(String command, Exchange exchange) throws SQLException {
        OffsetDateTime opening = Ledger.newRunTime();
        exchange.setProperty(OPENING, opening);
        return ledger.startRun(command, databases.describeSource(), opening);
    }

    /** The run has its tables and report: it is what progress, meters and the MBean show from now on. */
    public void started(RunContext run, Exchange exchange) {
        current = run;
        exchange.setProperty(RunContext.PROPERTY, run);
        if (console != null) {
            console.start(this::currentReport);
        }
        if (progressFiles != null && writesProgressFiles(run)) {
            progressFiles.start(this::currentReport);
        }
    }

    private static boolean writesProgressFiles(RunContext run) {
        return run.request().command().equals("load") || run.request().command().equals("sync");
    }

    /**
     * Ends the run: its status in the ledger, the run report file, the summary (or the one line or
     * the JSON the output setting asks for). Answers the exit status: 0, or 1 when a table failed.
     */
    public int finish(RunContext run, Exchange exchange) throws SQLException, IOException {
        boolean failed = run.report().failed();
        // the ledger first: a transient failure retries this step, and nothing below has happened twice
        ledger.setRunStatus(run.runId(), stop.stopping() ? RunRecord.STOPPED : failed ? RunRecord.FAILED : RunRecord.DONE);
        if (console != null) {
            console.stop();
        }
        run.report().finish();
        if (progressFiles != null && writesProgressFiles(run)) {
            progressFiles.stop(run.report());
        }
        try {
            atEnd.run();
        } catch (RuntimeException e) {
            LOG.warn("Checking the alert rules at the end of run {} failed: {}", run.runId(), e.getMessage());
        }
        String json = RunReportFile.json(run.report(), settings, databases.describeSource(), databases.describeTarget());
        Path file = RunReportFile.write(json, run.runId(), settings.reportDir());
        exchange.setProperty(REPORT_FILE, file);
        switch (settings.output()) {
            case JSON -> System.out.println(json);
            case QUIET -> System.out.println(run.report().oneLine());
            default -> {
                CONSOLE.info(run.report().summary());
                CONSOLE.info("Run report: {}", file);
            }
        }
        return failed ? 1 : 0;
    }

    /** The current run's report, or the last one's: what the progress MBean and the meters show. */
    public RunReport currentReport() {
        RunContext run = current;
        return run == null ? null : run.report();
    }

    /** Whether a run holds the slot (or the process is stopping, so none may take it). */
    public boolean busy() {
        return busy.get() || closed;
    }

    /**
     * No run starts from now on; answers once the run going on, if any, has ended (its status
     * recorded, its summary printed). The process stops its run before what the run talks to
     * (Camel, the pools, the embedded target).
     */
    public synchronized void close() throws InterruptedException {
        closed = true;
        while (busy.get()) {
            wait();
        }
    }
}
