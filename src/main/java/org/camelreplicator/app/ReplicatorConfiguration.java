package org.camelreplicator.app;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.apache.camel.CamelContext;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.spi.Registry;
import org.camelreplicator.dialect.Databases;
import org.camelreplicator.config.InvalidSettingException;
import org.camelreplicator.config.JdbcUrls;
import org.camelreplicator.config.ReplicatorSettings;
import org.camelreplicator.config.RoutesFolder;
import org.camelreplicator.config.SettingsFiles;
import org.camelreplicator.config.TransformSettings;
import org.camelreplicator.config.UnknownSettings;
import org.camelreplicator.copy.ChunkReader;
import org.camelreplicator.copy.ChunkTransactions;
import org.camelreplicator.copy.LoadCoordinator;
import org.camelreplicator.run.RunSlot;
import org.camelreplicator.run.StopSignal;
import org.camelreplicator.run.TransientFaults;
import org.camelreplicator.embedded.DemoDatabase;
import org.camelreplicator.embedded.EmbeddedPostgresServer;
import org.camelreplicator.ledger.Ledger;
import org.camelreplicator.ledger.LedgerChunkRepository;
import org.camelreplicator.observe.ConsoleProgress;
import org.camelreplicator.observe.Health;
import org.camelreplicator.observe.HttpEndpoints;
import org.camelreplicator.observe.LogFile;
import org.camelreplicator.observe.Meters;
import org.camelreplicator.observe.Progress;
import org.camelreplicator.observe.StatusReport;
import org.camelreplicator.plan.RunRequest;
import org.camelreplicator.copy.LoadDryRun;
import org.camelreplicator.plan.LoadPlanner;
import org.camelreplicator.schema.AfterData;
import org.camelreplicator.schema.TargetSchema;
import org.camelreplicator.sync.CatchUpWindows;
import org.camelreplicator.sync.DeleteReconciler;
import org.camelreplicator.sync.SyncCoordinator;
import org.camelreplicator.sync.SyncDryRun;
import org.camelreplicator.sync.SyncPlanner;
import org.camelreplicator.sync.SyncTransactions;
import org.camelreplicator.sync.WatermarkAtLoad;
import org.camelreplicator.sync.Watermarks;
import org.camelreplicator.verify.VerifyCoordinator;

/**
 * Validates the settings, fills in the zero-setup defaults (demo source, embedded target) when no
 * URL is configured, and binds the beans the routes call. It runs as camel-main's
 * {@code beforeConfigure} step: the properties are loaded by then, and the {@code source} and
 * {@code target} datasource beans of application.properties are created right after, so they get
 * the URLs set here.
 */
public final class ReplicatorConfiguration extends MainListenerSupport {

    /** Registry name of the meters, which the runtime closes with Camel. */
    public static final String METERS = "replicatorMeters";

    /** Registry name of the progress MBean's implementation; the runtime registers it with JMX. */
    public static final String PROGRESS = "replicatorProgress";

    /** Registry name of the embedded target server, when one was started. */
    public static final String EMBEDDED_TARGET = "embeddedTarget";

    private final Map<String, String> commandLine;

    /**
     * @param commandLine the settings given on the command line; the properties component answers
     *                    them by name, but does not list them, and per-table settings are found by listing
     */
    public ReplicatorConfiguration(Map<String, String> commandLine) {
        this.commandLine = Map.copyOf(commandLine);
    }

    @Override
    public void beforeConfigure(BaseMainSupport main) {
        ReplicatorSettings settings = configure(main.getCamelContext());
        // a transform named by its route file (replicator.table.<table>.transform=routes/examples/....camel.yaml):
        // that file is loaded with the routes, and only then (routes/examples/ is not among routes/*.camel.yaml)
        List<String> files = new ArrayList<>();
        settings.transforms().tables().forEach((table, route) -> {
            if (TransformSettings.isFile(route)) {
                java.nio.file.Path file = java.nio.file.Path.of(route).toAbsolutePath().normalize();
                if (!java.nio.file.Files.isRegularFile(file)) {
                    throw new InvalidSettingException(TransformSettings.key(table), TransformSettings.key(table) + "=" + route
                            + ": no such file (" + file + "). Give the path of a .camel.yaml file that holds the transform's route,"
                            + " e.g. routes/examples/mask-columns.camel.yaml, or the id of a route of routes/.");
                }
                if (!files.contains("file:" + file)) {
                    files.add("file:" + file);
                }
            }
        });
        if (!files.isEmpty()) {
            String pattern = main.configure().getRoutesIncludePattern();
            main.configure().withRoutesIncludePattern((pattern == null || pattern.isBlank() ? "" : pattern + ",") + String.join(",", files));
        }
    }

    /** Which route files run, as the runtime chose them (camel.main.routes-include-pattern when given outright). */
    private String routes(PropertiesComponent properties) {
        String pattern = commandLine.getOrDefault("camel.main.routes-include-pattern", commandLine.get("camel.main.routesIncludePattern"));
        return pattern != null ? pattern + " (camel.main.routes-include-pattern)"
                : RoutesFolder.resolve(properties.getLocations().stream().toList(), commandLine, System.getenv()).describe();
    }

    /** Binds the beans into a context; camel-main calls it, and so can a test that builds its own context. */
    public ReplicatorSettings configure(CamelContext context) {
        PropertiesComponent properties = context.getPropertiesComponent();
        Map<String, String> files = SettingsFiles.read(properties.getLocations());
        Map<String, String> listed = new TreeMap<>();
        files.forEach((k, v) -> {
            if (listed(k)) {
                listed.put(k, v);
            }
        });
        commandLine.forEach((k, v) -> {
            if (listed(k)) {
                listed.put(k, v);
            }
        });
        Set<String> read = new HashSet<>();
        ReplicatorSettings settings = ReplicatorSettings.from(key -> {
            read.add(key);
            return properties.resolveProperty(key);
        }, listed);
        Set<String> given = new TreeSet<>(commandLine.keySet());
        given.addAll(files.keySet());
        UnknownSettings.refuse(given, read, System.getenv().keySet());
        checkPoolSizes(properties, settings.workers());
        LogFile.open(settings.dataDir().resolve("logs"));
        Registry registry = context.getRegistry();
        for (String url : new String[] {"source.url", "target.url"}) {
            if (!blank(properties, url)) {
                properties.addOverrideProperty(url, JdbcUrls.forDriver(url, properties.resolveProperty(url).orElseThrow().strip()));
            }
        }

        boolean demoSource = blank(properties, "source.url");
        if (demoSource) {
            properties.addOverrideProperty("source.url", DemoDatabase.url(settings.dataDir().resolve("demo")));
            properties.addOverrideProperty("source.username", DemoDatabase.USER);
            properties.addOverrideProperty("source.password", DemoDatabase.PASSWORD);
        }
        if (blank(properties, "target.url")) {
            EmbeddedPostgresServer server = new EmbeddedPostgresServer(settings.dataDir().resolve("postgres"), settings.embeddedPort());
            server.start();
            // not a Camel service: the runtime stops it last, after Camel and the pools that talk to it
            registry.bind(EMBEDDED_TARGET, server);
            properties.addOverrideProperty("target.url", server.jdbcUrl());
            properties.addOverrideProperty("target.username", "postgres");
            properties.addOverrideProperty("target.password", "");
        }

        // the triggers of routes/triggers.camel.yaml start only in serve, and only those configured
        boolean serving = properties.resolveProperty("replicator.serving").map(Boolean::parseBoolean).orElse(false);
        properties.addOverrideProperty("replicator.serve.timer-on", String.valueOf(serving && settings.serveEvery() > 0));
        properties.addOverrideProperty("replicator.serve.cron-on", String.valueOf(serving && !settings.serveCron().isEmpty()));
        properties.addOverrideProperty("replicator.serve.cron-expression", settings.serveCron().isEmpty() ? "0 0 0 1 1 ? 2099" : settings.serveCron());
        properties.addOverrideProperty("replicator.serve.inbox-on", String.valueOf(serving && settings.serveInbox() != null));
        properties.addOverrideProperty("replicator.serve.inbox-dir", (settings.serveInbox() != null ? settings.serveInbox()
                : settings.dataDir().resolve("inbox")).toAbsolutePath().toString());

        Databases databases = new Databases(context);
        if (demoSource) {
            // generated when a command first reads the source, not for status or db
            databases.beforeFirstSourceUse(() -> DemoDatabase.ensure(settings.dataDir().resolve("demo")));
        }
        // datasources and dialects are looked up on first use: the datasource beans do not exist yet
        Ledger ledger = new Ledger(databases, settings.ledgerSchema());
        LoadPlanner planner = new LoadPlanner(databases, settings, new org.camelreplicator.transform.TransformShapes(context)::shape);
        TargetSchema targetSchema = new TargetSchema(databases, settings);
        StopSignal stop = new StopSignal();
        registry.bind("stopSignal", stop);
        registry.bind("settings", settings);
        registry.bind("databases", databases);
        registry.bind("ledger", ledger);
        registry.bind("ledgerChunks", new LedgerChunkRepository(ledger));
        registry.bind("loadPlanner", planner);
        registry.bind("targetSchema", targetSchema);
        // the one run at a time, whose report the meters, the health, the MBean and the HTTP endpoints show
        RunSlot slot = new RunSlot(databases, settings, ledger, stop, routes(properties));
        java.util.function.Supplier<org.camelreplicator.observe.RunReport> current = slot::currentReport;
        Health health = new Health(current, settings.healthMaxFailedTables(), settings.healthMaxBatchSeconds(), settings.healthMaxSyncLagSeconds(),
                settings.verify().maxDifferingTables());
        health.rules(settings.alerts(), databases::poolPending);
        registry.bind("alerts", new org.camelreplicator.observe.Alerts(health, settings.alerts().remindMinutes()));
        // the end of each run is checked at once: a process that exits then would not see its next tick.
        // Only when routes/alerts.camel.yaml is loaded: a direct: endpoint without its route waits 30 s for one.
        java.util.function.Supplier<org.apache.camel.FluentProducerTemplate> sender
                = org.apache.camel.util.function.Suppliers.memorize(context::createFluentProducerTemplate);
        slot.atEnd(() -> {
            if (context.getRoute("send-alerts") != null) {
                sender.get().to("direct:send-alerts").send();
            }
        });
        // the change stream's state (stream, or serve with replicator.serve.command=stream): meters and health rules
        org.camelreplicator.observe.StreamState streamState = new org.camelreplicator.observe.StreamState();
        registry.bind("streamState", streamState);
        health.stream(streamState);
        Meters meters = new Meters(current, health, streamState);
        registry.bind(METERS, meters);
        databases.poolMeters(meters.registry());
        org.camelreplicator.observe.ProgressFiles progressFiles = new org.camelreplicator.observe.ProgressFiles(settings.progressDir(),
                context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "progress-files"), settings.progressIntervalMillis());
        slot.progressFiles(progressFiles);
        targetSchema.progressFiles(progressFiles);
        registry.bind("progressFiles", progressFiles);
        if (settings.output() == ReplicatorSettings.Output.NORMAL) {
            slot.console(new ConsoleProgress(context.getExecutorServiceManager()
                    .newSingleThreadScheduledExecutor(this, "progress"), settings.progressIntervalMillis(), System.console() != null));
        }
        registry.bind("runSlot", slot);
        Watermarks watermarks = new Watermarks(databases, settings.sync());
        SyncPlanner syncPlanner = new SyncPlanner(databases, planner, settings.sync());
        registry.bind("loadCoordinator", new LoadCoordinator(databases, settings, planner, targetSchema, ledger, stop, slot, meters, health,
                new WatermarkAtLoad(syncPlanner, watermarks)));
        CatchUpWindows windows = new CatchUpWindows(databases, settings.sync());
        org.camelreplicator.schema.AfterActions afterActions = new org.camelreplicator.schema.AfterActions(databases, ledger, settings);
        registry.bind("afterActions", afterActions);
        registry.bind("syncCoordinator", new SyncCoordinator(databases, settings, syncPlanner, watermarks, windows, ledger, stop, slot,
                meters, health, afterActions));
        registry.bind("syncDryRun", new SyncDryRun(databases, syncPlanner, watermarks, windows, ledger, settings));
        registry.bind("triggers", new Triggers(slot, settings.serveCommand()));
        registry.bind(PROGRESS, new Progress(current, () -> startLoadInBackground(context, slot),
                stop::requestStop, stop::stopping, health::status));
        if (settings.httpPort() > 0) {
            HttpEndpoints endpoints = new HttpEndpoints(settings.httpHost(), settings.httpPort(), meters, health, current);
            try {
                context.addService(endpoints, true, true);
            } catch (Exception e) {
                throw new IllegalStateException("Cannot start the HTTP endpoints: " + e.getMessage(), e);
            }
        }
        ChunkReader chunkReader = new ChunkReader(databases, stop, settings.batchRows(), settings.batchMinRows(), settings.batchBytes(),
                settings.fetchSize(), targetSchema, new org.camelreplicator.copy.WriteOptions(settings.textNul()),
                settings.onBadRow() == ReplicatorSettings.BadRows.REJECT,
                context.getExecutorServiceManager().newCachedThreadPool(this, "chunk-reader"));
        registry.bind("chunkReader", chunkReader);
        registry.bind("views", new org.camelreplicator.schema.Views(databases, settings));
        registry.bind("chunkTransactions", new ChunkTransactions(databases, ledger, stop, settings, slot));
        registry.bind("syncTransactions", new SyncTransactions(databases, ledger, stop, settings, targetSchema, slot));
        registry.bind("deleteReconciler", new DeleteReconciler(databases, chunkReader, settings, stop));
        VerifyCoordinator verify = new VerifyCoordinator(databases, settings, planner, ledger, slot, stop, meters, health);
        registry.bind("verifyCoordinator", verify);
        registry.bind("rangeComparer", verify.rangeComparer(chunkReader));
        registry.bind("repairTransactions", verify.repairTransactions());
        registry.bind("statusReport", new StatusReport(databases, ledger));
        TransientFaults faults = new TransientFaults(databases, stop, settings);
        registry.bind("transientFaults", faults);
        registry.bind("retryLogger", (org.apache.camel.Processor) faults::beforeRetry);
        registry.bind("dryRun", new LoadDryRun(databases, planner, targetSchema, ledger, settings));
        registry.bind("afterData", new AfterData(databases, ledger, targetSchema));
        // column transforms (routes/transforms.camel.yaml) and what their routes call: masks, cached lookups
        registry.bind("rowTransforms", new org.camelreplicator.transform.RowTransforms(context, faults));
        context.getCamelContextExtension().addInterceptStrategy(new org.camelreplicator.transform.TransformSteps());
        registry.bind("masks", new org.camelreplicator.transform.Masks(settings.transforms().maskSalt()));
        registry.bind("lookups", new org.camelreplicator.transform.Lookups(context, settings.transforms(), meters.registry()));
        return settings;
    }

    /** Starts a load (resuming an unfinished one) without waiting for it: the JMX operation. */
    private static String startLoadInBackground(CamelContext context, RunSlot slot) {
        if (slot.busy()) {
            return "A run is going on already" + (slot.currentReport() == null ? "" : " (run " + slot.currentReport().runId() + ")");
        }
        context.createFluentProducerTemplate().to("direct:load")
                .withBody(new RunRequest("load", true, false, false, false, false)).asyncRequest();
        return "Load started (it resumes an unfinished run, if there is one)";
    }

    /**
     * Each worker holds a source connection (its chunk's reader) and a target one (its writer); the
     * planner, the ledger and the ledger's lock need one more of the source and two more of the
     * target. A smaller pool makes workers wait for connections until they time out.
     */
    private static void checkPoolSizes(PropertiesComponent properties, int workers) {
        for (String[] pool : new String[][] {{"source", "1"}, {"target", "2"}}) {
            String key = pool[0] + ".pool-size";
            String raw = properties.resolveProperty(key).map(String::strip).orElse("");
            int size;
            try {
                size = Integer.parseInt(raw);
            } catch (NumberFormatException e) {
                throw new InvalidSettingException(key, raw, "is not a whole number");
            }
            int needed = workers + Integer.parseInt(pool[1]);
            if (size < needed) {
                throw new InvalidSettingException(key, key + "=" + size + " is too small for replicator.workers=" + workers
                        + ": each worker holds a " + pool[0] + " connection, and the run needs " + pool[1] + " more. Set " + key + "="
                        + needed + " or more, or lower replicator.workers (--workers).");
            }
        }
    }

    /** Settings whose names carry a table, column or type: found by listing, not by name. */
    private static boolean listed(String key) {
        return key.startsWith(ReplicatorSettings.TABLE_PREFIX) || key.startsWith(ReplicatorSettings.CAST_PREFIX);
    }

    private static boolean blank(PropertiesComponent properties, String key) {
        return properties.resolveProperty(key).map(String::isBlank).orElse(true);
    }
}
