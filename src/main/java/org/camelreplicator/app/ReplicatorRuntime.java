package org.camelreplicator.app;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;
import org.camelreplicator.dialect.Databases;
import org.camelreplicator.config.RoutesFolder;
import org.camelreplicator.config.SettingsFiles;
import org.camelreplicator.run.RunSlot;
import org.camelreplicator.run.StopSignal;
import org.camelreplicator.embedded.EmbeddedPostgresServer;

/**
 * One camel-main application: application.properties (or the --config file), the command-line
 * overrides, the routes of routes/, and the beans of {@link ReplicatorConfiguration}. Commands are
 * requests sent to the routes' {@code direct:} endpoints.
 */
public final class ReplicatorRuntime implements AutoCloseable {

    private final Main main;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CountDownLatch stopRequested = new CountDownLatch(1);

    private ReplicatorRuntime(Main main) {
        this.main = main;
    }

    /**
     * The built-in route files each command's endpoint needs: its own, those it calls, and
     * errors.camel.yaml; a command not named here (serve, stream, db, bench) gets them all but the
     * triggers. Not parsing and starting the other pipelines saves start-up time a cron job pays each run.
     */
    static final Map<String, List<String>> ROUTE_FILES = Map.of(
            "direct:schema", List.of("commands", "errors"),
            "direct:load-plan", List.of("commands", "errors"),
            "direct:sync-plan", List.of("commands", "errors"),
            "direct:status", List.of("commands", "errors"),
            "direct:load", List.of("load", "after-actions", "transforms", "alerts", "errors"),
            "direct:sync", List.of("sync", "after-actions", "transforms", "alerts", "errors"),
            "direct:verify", List.of("verify", "alerts", "errors"));

    /**
     * The endpoint key for a command that uses the runtime (settings, pools, dialects) but no pipeline
     * route: bench and stream start what status starts.
     */
    public static final String RUNTIME_ONLY = "direct:status";

    /**
     * Starts Camel.
     *
     * @param overrides  properties given on the command line; they win over the file and the environment
     * @param configFile a properties file whose settings win over application.properties, or null
     */
    public static ReplicatorRuntime start(Map<String, String> overrides, Path configFile) throws Exception {
        return start(overrides, configFile, null);
    }

    /**
     * @param endpoint the command's endpoint, which chooses the built-in route files to start
     *                 ({@link #ROUTE_FILES}); null for all of them (a route file of the user's in
     *                 routes/ is always started)
     */
    public static ReplicatorRuntime start(Map<String, String> overrides, Path configFile, String endpoint) throws Exception {
        Main main = new Main();
        // camel-main's default strategy adds a JVM shutdown hook that holds this Main and its context until
        // the JVM exits (a test JVM or serve starts many; its disableHangupSupport() adds the hook all the
        // same in Camel 4.22); signals are StopSignals' work, the JVM's exit the CLI's own hook's
        main.setShutdownStrategy(new org.apache.camel.main.SimpleMainShutdownStrategy());
        String locations = SettingsFiles.locations(configFile);
        main.setPropertyPlaceholderLocations(locations);
        overrides.forEach(main::addOverrideProperty);
        if (!overrides.containsKey("camel.main.routes-include-pattern") && !overrides.containsKey("camel.main.routesIncludePattern")) {
            // the editable routes folder when there is one, the copies inside the jar otherwise
            RoutesFolder routes = RoutesFolder.resolve(List.of(locations.split(",")), overrides, System.getenv());
            main.configure().withRoutesIncludePattern(routes.includePattern(RoutesFolder.BUILT_IN));
        }
        boolean serving = Boolean.parseBoolean(overrides.getOrDefault("replicator.serving", "false"));
        List<String> needed = endpoint == null ? null : ROUTE_FILES.get(endpoint);
        List<String> excluded = RoutesFolder.BUILT_IN.stream()
                .filter(r -> needed != null ? !needed.contains(r) : r.equals("triggers") && !serving).toList();
        if (!excluded.isEmpty()) {
            main.configure().withRoutesExcludePattern(String.join(",", excluded.stream().map(r -> "**/" + r + ".camel.yaml").toList()));
        }
        main.addMainListener(new ReplicatorConfiguration(overrides));
        ReplicatorRuntime runtime = new ReplicatorRuntime(main);
        try {
            main.start();
            runtime.registerProgressMBean();
        } catch (Exception | Error e) {
            runtime.close();
            throw e;
        }
        return runtime;
    }

    /** The name the progress MBean has on the platform MBean server. */
    public static final String PROGRESS_MBEAN = "org.camelreplicator:type=Progress";

    /** Puts the replicator's progress beside Camel's own MBeans; a runtime started before in this JVM gives way. */
    private void registerProgressMBean() throws Exception {
        Object progress = main.getCamelContext().getRegistry().lookupByName(ReplicatorConfiguration.PROGRESS);
        javax.management.MBeanServer server = java.lang.management.ManagementFactory.getPlatformMBeanServer();
        javax.management.ObjectName name = new javax.management.ObjectName(PROGRESS_MBEAN);
        if (server.isRegistered(name)) {
            server.unregisterMBean(name);
        }
        server.registerMBean(progress, name);
    }

    public CamelContext context() {
        return main.getCamelContext();
    }

    /** Sends a request to a command route and returns what the route answered. */
    public Object request(String endpoint, Object body) throws Exception {
        return main.getCamelTemplate().requestBody(endpoint, body);
    }

    public Optional<EmbeddedPostgresServer> embeddedTarget() {
        CamelContext context = main.getCamelContext();
        return context == null ? Optional.empty()
                : Optional.ofNullable(context.getRegistry().lookupByNameAndType(ReplicatorConfiguration.EMBEDDED_TARGET, EmbeddedPostgresServer.class));
    }

    /** The two datasources and their dialects, once Camel has started. */
    public Optional<Databases> databases() {
        CamelContext context = main.getCamelContext();
        return context == null ? Optional.empty() : Optional.ofNullable(context.getRegistry().lookupByNameAndType("databases", Databases.class));
    }

    /**
     * The process is asked to stop (SIGTERM, Ctrl-C): running chunks stop at their next batch and
     * roll back, no run starts any more, and {@link #awaitStopRequest()} returns; {@link #close()}
     * then finishes quickly.
     */
    public void requestStop() {
        stopRequested.countDown();
        CamelContext context = main.getCamelContext();
        StopSignal stop = context == null ? null : context.getRegistry().lookupByNameAndType("stopSignal", StopSignal.class);
        if (stop != null) {
            stop.requestShutdown();
        }
    }

    public boolean stopRequested() {
        return stopRequested.getCount() == 0;
    }

    /** Waits for {@link #requestStop()}: what serve and db do until they are stopped. */
    public void awaitStopRequest() throws InterruptedException {
        stopRequested.await();
    }

    /**
     * Stops, in this order: the run going on (it ends, or rolls back at its next batch when a stop
     * was requested, and records how it ended), Camel, the connection pools, and last the embedded
     * target they talk to. Safe to call twice.
     */
    @Override
    public void close() throws Exception {
        if (closed.compareAndSet(false, true)) {
            CamelContext context = main.getCamelContext();
            Databases databases = databases().orElse(null);
            Optional<EmbeddedPostgresServer> embedded = embeddedTarget();
            RunSlot slot = context == null ? null : context.getRegistry().lookupByNameAndType("runSlot", RunSlot.class);
            // looked up before Camel stops: its registry is empty after (and unclosed meters keep a JVM-wide
            // GC listener that holds the whole context)
            Object meters = context == null ? null : context.getRegistry().lookupByName(ReplicatorConfiguration.METERS);
            try {
                if (slot != null) {
                    slot.close();
                }
                main.stop();
                javax.management.MBeanServer server = java.lang.management.ManagementFactory.getPlatformMBeanServer();
                javax.management.ObjectName progress = new javax.management.ObjectName(PROGRESS_MBEAN);
                if (server.isRegistered(progress)) {
                    server.unregisterMBean(progress);
                }
                if (meters instanceof AutoCloseable closeable) {
                    closeable.close();
                }
                // Camel does not close the pools it created from properties; a JVM that runs several commands needs them closed
                if (databases != null) {
                    databases.close();
                }
            } finally {
                embedded.ifPresent(EmbeddedPostgresServer::stop);
                main.shutdown();
            }
        }
    }
}
