package org.camelreplicator.embedded;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import org.camelreplicator.support.Chinook;
import org.camelreplicator.support.Replicator;
import org.camelreplicator.support.ReplicatorProcess;
import org.camelreplicator.support.Tables;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The embedded target belongs to its data folder: a load with another folder on the same port is
 * refused, naming the folder whose server holds the port, instead of loading into that server; a
 * load on the folder whose server `db` keeps up in another process uses it and leaves it running.
 */
class OneServerPerDataFolderTest {

    @TempDir
    Path dir;

    @Test
    void anotherFoldersServerOnThePortIsRefusedByName() throws Exception {
        int port = freePort();
        EmbeddedPostgresServer first = new EmbeddedPostgresServer(dir.resolve("first/postgres"), port);
        first.start();
        try {
            Replicator.Result second = Replicator.execute("load", "--source.url=jdbc:sqlite:" + Chinook.sqlite(), "--tables=Genre",
                    "--replicator.data-dir=" + dir.resolve("second"), "--replicator.embedded.port=" + port);

            assertThat(second.exitCode()).as(second.all()).isEqualTo(2);
            assertThat(second.err()).contains("Port " + port + " is taken by the PostgreSQL of " + dir.resolve("first/postgres"),
                    "replicator.embedded.port");
            try (Connection c = DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/postgres", "postgres", "")) {
                assertThat(Tables.single(c, "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema IN ('public', 'replicator')"))
                        .as("nothing went into the other folder's server").isZero();
            }
        } finally {
            first.stop();
        }
    }

    @Test
    void aLoadOnTheFolderThatDbServesUsesThatServerAndLeavesItRunning() throws Exception {
        int port = freePort();
        List<String> folder = List.of("--replicator.data-dir=" + dir, "--replicator.embedded.port=" + port);
        ReplicatorProcess db = ReplicatorProcess.start(dir.resolve("db.log"), Stream.concat(Stream.of("db"), folder.stream()).toList());
        try {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        if (!db.alive()) {
                            throw new AssertionError("db ended:\n" + db.output());
                        }
                        return db.output().contains("Press Ctrl-C");
                    });

            Replicator.Result load = Replicator.execute(Stream.concat(Stream.of("load", "--source.url=jdbc:sqlite:"
                    + Chinook.sqlite(), "--tables=Genre"), folder.stream()).toArray(String[]::new));

            assertThat(load.exitCode()).as(load.all()).isZero();
            assertThat(db.alive()).isTrue();
            try (Connection c = DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/postgres", "postgres", "")) {
                assertThat(Tables.count(c, "genre")).as("the load went into db's server, which is still up").isEqualTo(25);
            }
        } finally {
            db.signalTerm();
            db.waitFor(60);
        }
        assertThat(Files.exists(dir.resolve("postgres/postmaster.pid"))).as("db stopped its server").isFalse();
    }

    private static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
