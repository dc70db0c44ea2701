package org.camelreplicator.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.camelreplicator.app.ReplicatorRuntime;
import org.camelreplicator.bench.BenchReport;
import org.camelreplicator.bench.InsertBench;
import org.camelreplicator.config.ConnectionFailedException;
import org.camelreplicator.config.EffectiveSettings;
import org.camelreplicator.config.InvalidSettingException;
import org.camelreplicator.config.PrivilegeRefusedException;
import org.camelreplicator.config.ReplicatorSettings;
import org.camelreplicator.config.SettingsFiles;
import org.camelreplicator.run.LoadRunningException;
import org.camelreplicator.run.UnfinishedRunException;
import org.camelreplicator.observe.Errors;
import org.camelreplicator.observe.LogFile;
import org.camelreplicator.observe.RunReport;
import org.camelreplicator.plan.RunRequest;
import org.camelreplicator.schema.TargetSchema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Unmatched;

import static org.camelreplicator.observe.RunReport.CONSOLE;

/**
 * {@code java -jar camel-replicator.jar <command> [--option=value ...]}. Exit status: 0 success,
 * 1 the run finished but something failed (tables listed in the summary), 2 bad command line,
 * settings or state (the message says what to change), 3 a database could not be reached.
 */
@Command(name = "camel-replicator", mixinStandardHelpOptions = true, versionProvider = ReplicatorCli.Version.class,
        usageHelpAutoWidth = true,
        description = "Replicates a relational database (SQL Server, PostgreSQL, MySQL/MariaDB, SQLite, H2) into PostgreSQL.%n"
                + "With no source configured it copies a generated demo database; with no target, into an embedded PostgreSQL.",
        subcommands = {ReplicatorCli.Load.class, ReplicatorCli.Sync.class, ReplicatorCli.Verify.class, ReplicatorCli.Schema.class,
                ReplicatorCli.Status.class, ReplicatorCli.Bench.class, ReplicatorCli.Settings.class, ReplicatorCli.Stream.class,
                ReplicatorCli.Serve.class, ReplicatorCli.Db.class, ReplicatorCli.Help.class},
        footer = "%nSettings: any property of application.properties can be given as --name=value or as an "
                + "environment variable (source.url -> SOURCE_URL). 'help' lists them all; 'settings' shows the values a run would use.")
public final class ReplicatorCli implements Callable<Integer> {

    static final int OK = 0;
    static final int RUN_FAILED = 1;
    static final int BAD_INPUT = 2;
    static final int UNREACHABLE = 3;

    private static final Logger LOG = LoggerFactory.getLogger(ReplicatorCli.class);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        StopSignals.install();
        System.exit(execute(args));
    }

    /** Runs one command line and answers the exit status. */
    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new ReplicatorCli());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> report(e));
        cli.setParameterExceptionHandler((e, args1) -> {
            e.getCommandLine().getErr().println("Error: " + e.getMessage() + ". See: help");
            return BAD_INPUT;
        });
        return cli.execute(args);
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return BAD_INPUT;
    }

    /** A command that starts Camel: the common options, and any setting as --name=value. */
    abstract static class CamelCommand implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Unmatched
        List<String> settings = new ArrayList<>();

        private final Map<String, String> commandSettings = new LinkedHashMap<>();

        /** A setting given by one of this command's own options. */
        void putSetting(String key, String value) {
            if (value != null) {
                commandSettings.put(key, value);
            }
        }

        /** Starts Camel, runs the work, stops Camel; see {@link ReplicatorCli#withRuntime}. */
        Integer withRuntime(Work work) throws Exception {
            return withRuntime(work, null);
        }

        /** The same, starting only the built-in route files the command's {@code endpoint} needs (null: all). */
        Integer withRuntime(Work work, String endpoint) throws Exception {
            Map<String, String> overrides = common.overrides(settings);
            overrides.putAll(commandSettings);
            return ReplicatorCli.withRuntime(overrides, common.config, work, endpoint);
        }
    }

    /** A command that runs one of the routes' direct: endpoints. */
    abstract static class RouteCommand extends CamelCommand {
        /** Whether standard output must carry only JSON. */
        boolean json() {
            return false;
        }


        abstract RunRequest request();

        @Override
        public Integer call() throws Exception {
            RunRequest request = request();
            return withRuntime(runtime -> {
                Object answer;
                try {
                    answer = runtime.stopRequested() ? null : runtime.request(request.endpoint(), request);
                } catch (Exception e) {
                    if (StopSignals.exitStatus().isEmpty()) {
                        throw e;
                    }
                    // what the stop interrupted; the ledger keeps the run resumable
                    LOG.warn(LogFile.FILE_ONLY, "{} ended by the stop: {}", request.command(), Errors.describe(e), e);
                    answer = null;
                }
                if (StopSignals.exitStatus().isPresent()) {
                    return StopSignals.exitStatus().getAsInt();
                }
                if (!request.json() && !json()) {
                    runtime.embeddedTarget().ifPresent(server -> CONSOLE.info(server.connectionHelp()));
                }
                return answer instanceof Integer code ? code : OK;
            }, request.endpoint());
        }
    }

    @Command(name = "load", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Create the target tables and copy every row of the selected tables, in parallel chunks.")
    static final class Load extends RouteCommand {
        @Option(names = "--resume", description = "Continue the last unfinished run: chunks already done are not copied again.")
        boolean resume;

        @Option(names = "--reset", description = "Forget the ledger and start over; every table is emptied again before it is loaded.")
        boolean reset;

        @Option(names = "--no-truncate", description = "Keep rows already in the target tables (risk: rows copied before are there twice).")
        boolean noTruncate;

        @Option(names = "--dry-run", description = "Print the plan (tables in order, sizes, chunks and bounds, DDL, what a resume skips); write nothing.")
        boolean dryRun;

        @Option(names = "--start-from-table", paramLabel = "TABLE", description = "Skip the tables before TABLE in plan order (replicator.start-from-table).")
        String startFromTable;

        @Option(names = "--from", paramLabel = "YYYY-MM", description = "First month to copy of tables split by month (replicator.from).")
        String from;

        @Option(names = "--to", paramLabel = "YYYY-MM", description = "Last month to copy of tables split by month (replicator.to).")
        String to;

        @Option(names = "--quiet", description = "Print only the final line (and errors) (replicator.output=quiet).")
        boolean quiet;

        @Option(names = "--json", description = "Print only the run report, as JSON (replicator.output=json).")
        boolean json;

        @Option(names = "--data-only", description = "Load into target tables that exist already, matching columns by name (replicator.data-only).")
        boolean dataOnly;

        @Option(names = "--skip", paramLabel = "LIST", description = "Mark these tables skipped, with why, instead of copying them:"
                + " a table that keeps failing no longer holds back the end of the run (replicator.skip).")
        String skip;

        @Option(names = "--copy-views", description = "Create the source's views on the target after the tables; PostgreSQL to PostgreSQL only (replicator.copy-views).")
        boolean copyViews;

        @Option(names = "--ddl-in", paramLabel = "FILE", description = "Run this (hand-edited) DDL file instead of creating tables, then load into them (replicator.ddl-in).")
        String ddlIn;

        @Option(names = "--stream", description = "Create the replication slot first (a MariaDB source: record the binlog position;"
                + " stream --create-slot) unless the ledger has one, load, then stream the changes from then on until stopped, as"
                + " stream does.")
        boolean stream;

        @Override
        public Integer call() throws Exception {
            if (!stream) {
                return super.call();
            }
            if (dryRun) {
                throw new UsageException("--stream and --dry-run: a dry run writes nothing, so there is nothing to stream after it");
            }
            RunRequest request = request();
            return withRuntime(runtime -> {
                org.camelreplicator.stream.ChangeStream changes = changeStream(runtime);
                // before the load reads anything: the slot keeps every change from here on; a new slot's snapshot is held
                // (and read under) until the load ends
                try (org.camelreplicator.stream.HandOff handOff = changes.ensureSlot(resume)) {
                    Object answer = runtime.stopRequested() ? null : runtime.request(request.endpoint(), request);
                    if (StopSignals.exitStatus().isPresent()) {
                        return StopSignals.exitStatus().getAsInt();
                    }
                    int status = answer instanceof Integer code ? code : OK;
                    if (status != OK) {
                        CONSOLE.info("The load did not finish, so the stream does not start; the slot keeps the changes meanwhile."
                                + " load --resume --stream goes on from here" + (handOff.exact() ? " (with convergent replay: the"
                                + " snapshot ends with this command)." : "."));
                        return status;
                    }
                    handOff.loaded();
                }
                int streamed = changes.run(runtime::stopRequested);
                return StopSignals.exitStatus().orElse(streamed);
            }, request.endpoint());
        }

        @Override
        RunRequest request() {
            if (resume && reset) {
                throw new UsageException("--resume and --reset contradict each other: choose one");
            }
            putSetting("replicator.start-from-table", startFromTable);
            putSetting("replicator.from", from);
            putSetting("replicator.to", to);
            putSetting("replicator.data-only", dataOnly ? "true" : null);
            putSetting(org.camelreplicator.schema.Views.SETTING, copyViews ? "true" : null);
            putSetting("replicator.skip", skip);
            if (quiet && json) {
                throw new UsageException("--quiet and --json contradict each other: choose one");
            }
            putSetting("replicator.output", quiet ? "quiet" : json ? "json" : null);
            putSetting("replicator.ddl-in", ddlIn);
            return new RunRequest("load", resume, reset, noTruncate, false, dryRun);
        }
    }

    @Command(name = "sync", mixinStandardHelpOptions = true, sortOptions = false,
            description = "After a load, copy what changed on the source since: rows above each table's watermark"
                    + " (replicator.table.<table>.sync.watermark or replicator.sync.watermark) are upserted; unchanged tables cost"
                    + " one small query; deletes are carried where replicator.table.<table>.sync.deletes=reconcile.")
    static final class Sync extends RouteCommand {
        @Option(names = "--quiet", description = "Print only the final line (and errors) (replicator.output=quiet).")
        boolean quiet;

        @Option(names = "--json", description = "Print only the run report, as JSON (replicator.output=json).")
        boolean json;

        @Option(names = "--dry-run", description = "Print what a sync would do per table (reads above which watermark, unchanged or not,"
                + " windows); write nothing.")
        boolean dryRun;

        @Override
        RunRequest request() {
            if (quiet && json) {
                throw new UsageException("--quiet and --json contradict each other: choose one");
            }
            putSetting("replicator.output", quiet ? "quiet" : json ? "json" : null);
            return new RunRequest("sync", false, false, false, false, dryRun);
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Prove the copy equals the source: per table, range by range (the load's chunks), row counts and content"
                    + " digests of both sides; a range that differs is narrowed down to the rows that differ (missing, extra, changed"
                    + " with its columns). Exit status 1 when anything differs. --repair rewrites exactly the ranges that differ.")
    static final class Verify extends RouteCommand {
        @Option(names = "--repair", description = "Rewrite each differing range from the source: its rows deleted and copied again,"
                + " with its ledger mark, in one target transaction (replicator.verify.repair).")
        boolean repair;

        @Option(names = "--resume", description = "Continue the last verify run that did not end done: finished tables are not compared"
                + " again; with --repair, the ranges it found differing are repaired without comparing again.")
        boolean resume;

        @Option(names = "--keys", paramLabel = "FROM..TO", description = "Only this range of the integer key, both ends included,"
                + " either may be left out (replicator.verify.keys).")
        String keys;

        @Option(names = "--from", paramLabel = "YYYY-MM", description = "First month to verify of tables split by month (replicator.from).")
        String from;

        @Option(names = "--to", paramLabel = "YYYY-MM", description = "Last month to verify of tables split by month (replicator.to).")
        String to;

        @Option(names = "--quiet", description = "Print only the final line (and errors) (replicator.output=quiet).")
        boolean quiet;

        @Option(names = "--json", description = "Print only the run report, as JSON (replicator.output=json).")
        boolean json;

        @Override
        RunRequest request() {
            if (quiet && json) {
                throw new UsageException("--quiet and --json contradict each other: choose one");
            }
            putSetting("replicator.output", quiet ? "quiet" : json ? "json" : null);
            putSetting("replicator.verify.repair", repair ? "true" : null);
            putSetting("replicator.verify.keys", keys);
            putSetting("replicator.from", from);
            putSetting("replicator.to", to);
            return new RunRequest("verify", resume, false, false, false, false);
        }
    }

    @Command(name = "schema", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Create the target schema and tables (columns, types, NOT NULL, defaults, primary keys); copy no rows.")
    static final class Schema extends RouteCommand {
        @Option(names = "--ddl-out", paramLabel = "FILE", description = "Write the target DDL (tables, indexes, foreign keys) to FILE; execute nothing (replicator.ddl-out).")
        String ddlOut;

        @Option(names = "--skip", paramLabel = "LIST", description = "Mark these tables skipped, with why, instead of copying them:"
                + " a table that keeps failing no longer holds back the end of the run (replicator.skip).")
        String skip;

        @Option(names = "--copy-views", description = "Create the source's views on the target after the tables; PostgreSQL to PostgreSQL only (replicator.copy-views).")
        boolean copyViews;

        @Option(names = "--ddl-in", paramLabel = "FILE", description = "Run this (hand-edited) DDL file instead of the generated DDL (replicator.ddl-in).")
        String ddlIn;

        @Override
        RunRequest request() {
            putSetting("replicator.ddl-out", ddlOut);
            putSetting("replicator.ddl-in", ddlIn);
            return RunRequest.of("schema");
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Show the last run recorded in the target's ledger: tables done, failed, running and left.")
    static final class Status extends RouteCommand {
        @Option(names = "--json", description = "Print the status as JSON: the ledger's totals and tables, sync and verify state (the progress files are replicator.progress-dir's).")
        boolean json;

        @Override
        RunRequest request() {
            return new RunRequest("status", false, false, false, json, false);
        }
    }

    @Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Time the ways rows can go into the target (any supported JDBC target) with the same generated rows:"
                    + " row by row with a commit each, row by row in one transaction, JDBC batches (--batch-rows), multi-row VALUES,"
                    + " and on PostgreSQL COPY text and COPY binary. Prints rows/s and the speed-up over row by row per mode."
                    + " The rows go into a scratch table replicator_bench_<random> in the target schema, dropped at the end"
                    + " (also when a mode fails or the command is stopped).")
    static final class Bench extends CamelCommand {
        @Option(names = "--records", paramLabel = "N", description = "Rows per mode (default 10000).")
        String records = "10000";

        @Option(names = "--like", paramLabel = "TABLE", description = "Rows shaped like this source table (its columns, typed as a load"
                + " would create them); default: the built-in sample (bigint, integer, timestamp, numeric(12,2), varchar(64),"
                + " text with 10% NULLs, boolean, char(36)).")
        String like;

        @Option(names = "--skip-individual", description = "Leave out the slow row-by-row modes; the speed-up is then over the slowest mode run.")
        boolean skipIndividual;

        @Option(names = "--verbose", description = "Tell each step: the target, the scratch table's DDL, each mode as it starts and ends.")
        boolean verbose;

        @Option(names = "--json", description = "Print only the figures, as JSON (replicator.output=json).")
        boolean json;

        @Override
        public Integer call() throws Exception {
            long n;
            try {
                n = Long.parseLong(records.strip().replace("_", ""));
            } catch (NumberFormatException e) {
                n = -1;
            }
            if (n < 1 || n > Integer.MAX_VALUE) {
                throw new UsageException("--records=" + records + ": give the number of rows each mode writes, a whole number from 1"
                        + " to " + Integer.MAX_VALUE + ", e.g. --records=100000");
            }
            if (like != null && like.isBlank()) {
                throw new UsageException("--like is empty: give a source table (table or schema.table), or leave --like out for the built-in sample");
            }
            putSetting("replicator.output", json ? "json" : null);
            InsertBench.Options options = new InsertBench.Options(n, skipIndividual, like);
            return withRuntime(runtime -> {
                var registry = runtime.context().getRegistry();
                java.util.function.Consumer<String> steps = !verbose ? line -> { } : json ? System.err::println : CONSOLE::info;
                BenchReport report;
                try {
                    report = new InsertBench(runtime.databases().orElseThrow(), registry.lookupByNameAndType("settings", ReplicatorSettings.class),
                            registry.lookupByNameAndType("targetSchema", TargetSchema.class), runtime::stopRequested, steps).run(options);
                } catch (InsertBench.Stopped stopped) {
                    // the scratch table is dropped by now; the exit status says which signal stopped it
                    return StopSignals.exitStatus().orElse(130);
                }
                if (json) {
                    System.out.println(report.json());
                } else {
                    CONSOLE.info(report.text().stripTrailing());
                }
                return report.anyFailed() ? RUN_FAILED : OK;
            }, ReplicatorRuntime.RUNTIME_ONLY);
        }
    }

    @Command(name = "stream", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Stream a PostgreSQL or MariaDB source's inserts, updates and deletes to the target as they happen (change"
                    + " data capture: a logical replication slot or the binlog, read by the Debezium engine), each batch applied with"
                    + " its source offset in one target transaction. First stream --create-slot, then load, then stream (README,"
                    + " Streaming changes).")
    static final class Stream extends CamelCommand {
        @Option(names = "--create-slot", description = "Create the publication (the run's tables) and the replication slot (a MariaDB"
                + " source: record the binlog position), then exit: do this before the load, so the stream has every change from"
                + " before the load's start.")
        boolean createSlot;

        @Option(names = "--drop-slot", description = "Drop the replication slot and the publication the tool created (a slot nobody"
                + " reads makes the source keep its WAL), and forget the stream's offset (a MariaDB source: also its schema history).")
        boolean dropSlot;

        @Option(names = "--stop", description = "Ask the running stream (another process, same target) to stop: it applies the batch"
                + " it holds, records its offset and ends.")
        boolean stop;

        @Override
        public Integer call() throws Exception {
            if ((createSlot ? 1 : 0) + (dropSlot ? 1 : 0) + (stop ? 1 : 0) > 1) {
                throw new UsageException("--create-slot, --drop-slot and --stop are separate steps: give one");
            }
            return withRuntime(runtime -> {
                org.camelreplicator.stream.ChangeStream changes = changeStream(runtime);
                if (createSlot) {
                    return changes.createSlot();
                }
                if (dropSlot) {
                    return changes.dropSlot();
                }
                if (stop) {
                    return changes.requestStop();
                }
                int status = changes.run(runtime::stopRequested);
                return StopSignals.exitStatus().orElse(status);
            }, ReplicatorRuntime.RUNTIME_ONLY);
        }
    }

    /** The stream command's work; org.camelreplicator.stream (and Debezium's classes) are loaded only when a stream is asked for. */
    static org.camelreplicator.stream.ChangeStream changeStream(ReplicatorRuntime runtime) {
        var registry = runtime.context().getRegistry();
        var properties = runtime.context().getPropertiesComponent();
        return new org.camelreplicator.stream.ChangeStream(
                runtime.databases().orElseThrow(), registry.lookupByNameAndType("settings", ReplicatorSettings.class),
                registry.lookupByNameAndType("loadPlanner", org.camelreplicator.plan.LoadPlanner.class),
                registry.lookupByNameAndType("targetSchema", TargetSchema.class),
                registry.lookupByNameAndType("stopSignal", org.camelreplicator.run.StopSignal.class), properties::resolveProperty,
                registry.lookupByNameAndType("streamState", org.camelreplicator.observe.StreamState.class));
    }

    @Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Stay up with JMX and the HTTP endpoints (/metrics, /health, /progress) and load on the triggers of"
                    + " routes/triggers.camel.yaml: every replicator.serve.every ms, on replicator.serve.cron, or when a job file"
                    + " is dropped in replicator.serve.inbox; with replicator.serve.command=stream it runs the change stream from its"
                    + " start instead. Ctrl-C or SIGTERM stops it.")
    static final class Serve extends CamelCommand {
        @Option(names = "--http-port", paramLabel = "PORT", description = "Port of /metrics, /health and /progress (default 8080; replicator.http.port).")
        String httpPort;

        @Override
        public Integer call() throws Exception {
            putSetting("replicator.serving", "true");
            putSetting("replicator.http.port", httpPort != null ? httpPort
                    : settings.stream().anyMatch(s -> s.startsWith("--replicator.http.port=")) ? null : "8080");
            return withRuntime(runtime -> {
                CONSOLE.info("Serving: http://{}:{}/metrics, /health and /progress; JMX: {} and org.apache.camel",
                        runtime.context().resolvePropertyPlaceholders("{{replicator.http.host}}"),
                        runtime.context().resolvePropertyPlaceholders("{{replicator.http.port}}"), ReplicatorRuntime.PROGRESS_MBEAN);
                runtime.embeddedTarget().ifPresent(server -> CONSOLE.info(server.connectionHelp()));
                CONSOLE.info("Press Ctrl-C to stop.");
                ReplicatorSettings settings = runtime.context().getRegistry().lookupByNameAndType("settings", ReplicatorSettings.class);
                if ("stream".equals(settings.serveCommand())) {
                    return serveStream(runtime);
                }
                // a stop is serve's normal end: a running load stops first (ReplicatorRuntime.close)
                runtime.awaitStopRequest();
                return OK;
            });
        }
    }

    /**
     * serve with replicator.serve.command=stream: the stream runs from serve's start until serve is stopped. A refusal at its
     * start (no slot, a column the target lacks: exit 2) ends serve as it ends stream. A failure while it runs (a column
     * added on the source, a TRUNCATE: they need the user's fix, and transient failures are waited out already) leaves
     * serve up with /health DOWN and the failure as an alert, so monitoring sees it; serve then exits 1 when stopped.
     */
    static int serveStream(ReplicatorRuntime runtime) throws Exception {
        try {
            changeStream(runtime).run(runtime::stopRequested);
            return StopSignals.exitStatus().orElse(OK);
        } catch (org.camelreplicator.stream.StreamException e) {
            LOG.error("The stream stopped: {} serve stays up (/health is DOWN) until stopped; fix the cause, then start serve again.",
                    Errors.describe(e), e);
            runtime.awaitStopRequest();
            return RUN_FAILED;
        }
    }

    @Command(name = "settings", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Print every setting's value and where it came from (default, built-in application.properties,"
                    + " ./application.properties, --config FILE, environment, command line), passwords masked; checked as a run"
                    + " checks them (exit 2 naming a bad value or an unknown name). Connects to nothing.")
    static final class Settings extends CamelCommand {
        @Option(names = "--json", description = "Print the settings as JSON: key, value, origin.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            List<String> locations = List.of(SettingsFiles.locations(common.config).split(","));
            List<EffectiveSettings.Setting> settings = EffectiveSettings.of(locations, common.overrides(this.settings), System.getenv());
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(settings));
            } else {
                int width = settings.stream().mapToInt(s -> s.key().length()).max().orElse(0);
                int valueWidth = Math.min(60, settings.stream().mapToInt(s -> s.value().length()).max().orElse(0));
                for (EffectiveSettings.Setting s : settings) {
                    out.printf("%-" + width + "s = %-" + valueWidth + "s  (%s)%n", s.key(), s.value(), s.origin());
                }
            }
            out.flush();
            return OK;
        }

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
    }

    @Command(name = "db", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Start the embedded target PostgreSQL and keep it running until Ctrl-C, to query what was copied.")
    static final class Db extends CamelCommand {
        @Override
        public Integer call() throws Exception {
            return withRuntime(runtime -> {
                if (runtime.embeddedTarget().isEmpty()) {
                    throw new UsageException("target.url is set, so there is no embedded PostgreSQL to start");
                }
                CONSOLE.info(runtime.embeddedTarget().get().connectionHelp());
                CONSOLE.info("Press Ctrl-C to stop it.");
                runtime.awaitStopRequest();
                return OK;
            });
        }
    }

    @Command(name = "help", description = "Show every command, its options and every setting; 'help COMMAND' for one command.")
    static final class Help implements Callable<Integer> {
        @CommandLine.ParentCommand
        ReplicatorCli parent;

        @Parameters(arity = "0..1", paramLabel = "COMMAND")
        String command;

        @Override
        public Integer call() {
            CommandLine top = parent.spec.commandLine();
            PrintWriter out = top.getOut();
            if (command != null) {
                CommandLine sub = top.getSubcommands().get(command);
                if (sub == null) {
                    throw new UsageException("No command '" + command + "'; commands: " + String.join(", ", top.getSubcommands().keySet()));
                }
                sub.usage(out);
                return OK;
            }
            top.usage(out);
            for (var entry : top.getSubcommands().entrySet()) {
                if (!entry.getKey().equals("help")) {
                    out.println();
                    entry.getValue().usage(out);
                }
            }
            out.println();
            out.print(SettingsReference.render());
            out.flush();
            return OK;
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = ReplicatorCli.class.getPackage().getImplementationVersion();
            return new String[] {"camel-replicator " + (v == null ? "(development build)" : v)};
        }
    }

    /** What a command does while Camel runs. */
    @FunctionalInterface
    interface Work {
        Integer run(ReplicatorRuntime runtime) throws Exception;
    }

    /**
     * Starts Camel, runs the work, stops Camel. SIGTERM or Ctrl-C meanwhile stops the run first (its
     * chunks roll back, the ledger says stopped), then Camel and the databases ({@link StopSignals}).
     */
    static Integer withRuntime(Map<String, String> overrides, Path config, Work work) throws Exception {
        return withRuntime(overrides, config, work, null);
    }

    static Integer withRuntime(Map<String, String> overrides, Path config, Work work, String endpoint) throws Exception {
        String output = overrides.getOrDefault("replicator.output", "normal");
        ch.qos.logback.classic.Logger console = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(CONSOLE.getName());
        ch.qos.logback.classic.Logger failures = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(RunReport.FAILURES.getName());
        ch.qos.logback.classic.Level consoleLevel = console.getLevel();
        ch.qos.logback.classic.Level failuresLevel = failures.getLevel();
        if (!output.equalsIgnoreCase("normal")) {
            // --quiet and --json keep standard output to their one answer; a failed table's line goes to standard error
            console.setLevel(ch.qos.logback.classic.Level.WARN);
            failures.setLevel(ch.qos.logback.classic.Level.INFO);
        }
        try {
            return withRuntimeQuietly(overrides, config, work, endpoint);
        } finally {
            console.setLevel(consoleLevel);
            failures.setLevel(failuresLevel);
        }
    }

    private static Integer withRuntimeQuietly(Map<String, String> overrides, Path config, Work work, String endpoint)
            throws Exception {
        java.util.concurrent.atomic.AtomicReference<ReplicatorRuntime> started = new java.util.concurrent.atomic.AtomicReference<>();
        try (StopSignals.Registration stop = StopSignals.onStop(() -> {
            ReplicatorRuntime runtime = started.get();
            if (runtime != null) {
                runtime.requestStop();
            }
        })) {
            ReplicatorRuntime runtime = ReplicatorRuntime.start(overrides, config, endpoint);
            started.set(runtime);
            if (StopSignals.exitStatus().isPresent()) {
                // the signal came while Camel started, before there was a runtime to stop
                runtime.requestStop();
            }
            // the JVM exiting for another reason (SIGHUP, a closed terminal) still stops in order
            Thread hook = new Thread(() -> {
                runtime.requestStop();
                try {
                    runtime.close();
                } catch (Exception e) {
                    LOG.warn("Stopping Camel failed: {}", e.getMessage());
                }
            }, "replicator-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                return work.run(runtime);
            } catch (Exception e) {
                throw withGrants(runtime, e);
            } finally {
                runtime.close();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the JVM is already running the hook
                }
            }
        }
    }

    /** A refused privilege, with the GRANT that lifts it, asked of the database while it is still connected. */
    private static Exception withGrants(ReplicatorRuntime runtime, Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof PrivilegeRefusedException) {
                return e;
            }
        }
        List<String> grants = runtime.databases().map(d -> d.grantsFor(e)).orElse(List.of());
        return grants.isEmpty() ? e : new PrivilegeRefusedException(Errors.withGrants(Errors.describe(e), grants), e);
    }

    /** Turns an exception into a message a user can act on, and the exit status. */
    static int report(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof PrivilegeRefusedException || t instanceof InvalidSettingException || t instanceof UsageException
                    || t instanceof UnfinishedRunException || t instanceof LoadRunningException) {
                System.err.println("Error: " + t.getMessage());
                return BAD_INPUT;
            }
            if (t instanceof ConnectionFailedException) {
                System.err.println("Error: " + t.getMessage());
                return UNREACHABLE;
            }
        }
        LOG.error(LogFile.FILE_ONLY, "Command failed: {}", Errors.describe(e), e);
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLException sql && "42501".equals(sql.getSQLState())) {
                System.err.println("Error: " + Errors.describe(e) + ". The database user lacks a privilege the command needs:"
                        + " on the target, CREATE on the database (for the ledger schema, replicator.ledger-schema) and on the"
                        + " target schema, and the right to write its tables; on the source, SELECT. Grant them or use another user.");
                return BAD_INPUT;
            }
        }
        System.err.println("Error: " + Errors.describe(e) + LogFile.whereDetailsAre());
        return RUN_FAILED;
    }
}
