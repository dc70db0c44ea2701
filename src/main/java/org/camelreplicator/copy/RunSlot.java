package org.camelreplicator.copy;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.camel.Exchange;
import org.apache.camel.support.SynchronizationAdapter;
import org.camelreplicator.config.Databases;
import org.camelreplicator.config.ReplicatorSettings;
import org.camelreplicator.ledger.Ledger;
import org.camelreplicator.ledger.RunRecord;
import org.camelreplicator.observe.ConsoleProgress;
import org.camelreplicator.observe.RunReport;
import org.camelreplicator.observe.RunReportFile;
import org.camelreplicator.plan.RunContext;
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

    private final AtomicBoolean busy = new AtomicBoolean();
    private final Databases databases;
    private final ReplicatorSettings settings;
    private final Ledger ledger;
    private final StopSignal stop;
    private volatile RunContext current;
    private ConsoleProgress console;

    public RunSlot(Databases databases, ReplicatorSettings settings, Ledger ledger, StopSignal stop) {
        this.databases = databases;
        this.settings = settings;
        this.ledger = ledger;
        this.stop = stop;
    }

    /** The live console (set once Camel's scheduler exists); off for --quiet and --json. */
    public void console(ConsoleProgress console) {
        this.console = console;
    }

    /** Takes the slot for the run of this exchange, or refuses with the run that holds it. */
    public void take(RunRequest request, Exchange exchange) {
        if (!busy.compareAndSet(false, true)) {
            RunContext running = current;
            throw new LoadRunningException("A " + (running == null ? "run" : running.request().command() + " (run " + running.runId() + ")")
                    + " is already running in this process; this " + request.command() + " is refused, so two runs never write"
                    + " the same target at once. Wait for it to end, or stop it (JMX operation stop).");
        }
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                busy.set(false);
            }
        });
        stop.reset();
        if (!"command line".equals(request.source())) {
            CONSOLE.info("{} started by {}", request.command().substring(0, 1).toUpperCase() + request.command().substring(1), request.source());
        }
        CONSOLE.info("Source: {}", databases.describeSource());
        CONSOLE.info("Target: {}", databases.describeTarget());
    }

    /** The run has its tables and report: it is what progress, meters and the MBean show from now on. */
    public void started(RunContext run, Exchange exchange) {
        current = run;
        exchange.setProperty(RunContext.PROPERTY, run);
        if (console != null) {
            console.start(this::currentReport);
        }
    }

    /**
     * Ends the run: its status in the ledger, the run report file, the summary (or the one line or
     * the JSON the output setting asks for). Answers the exit status: 0, or 1 when a table failed.
     */
    public int finish(RunContext run, Exchange exchange) throws SQLException, IOException {
        if (console != null) {
            console.stop();
        }
        run.report().finish();
        boolean failed = run.report().failed();
        ledger.setRunStatus(run.runId(), stop.stopping() ? RunRecord.STOPPED : failed ? RunRecord.FAILED : RunRecord.DONE);
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

    /** Whether a run holds the slot. */
    public boolean busy() {
        return busy.get();
    }
}
