package org.camelreplicator.faults;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.List;
import java.util.Random;

import org.camelreplicator.support.ReplicatorProcess;
import org.camelreplicator.support.Tables;
import org.camelreplicator.support.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A worker that runs out of heap (rows bigger than the JVM was given) fails its table with a message
 * that says so and what to change; the run ends with a failure instead of waiting forever for the
 * worker, and the other tables are copied.
 */
class OutOfMemoryTest {

    @TempDir
    Path dir;

    @Test
    void aTableWhoseRowsDoNotFitTheHeapFailsAndTheRunEnds() throws Exception {
        Path sqlite = dir.resolve("huge.sqlite");
        byte[] blob = new byte[24 * 1024 * 1024];
        new Random(7).nextBytes(blob);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + sqlite); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE huge (id INTEGER PRIMARY KEY, content BLOB)");
            st.execute("CREATE TABLE small (id INTEGER PRIMARY KEY, name TEXT)");
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO huge VALUES (?, ?)")) {
                for (int id = 1; id <= 4; id++) {
                    ps.setInt(1, id);
                    ps.setBytes(2, blob);
                    ps.executeUpdate();
                }
            }
            st.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)"
                    + " INSERT INTO small SELECT i, 'name ' || i FROM n");
        }
        String target = TestPostgres.newDatabase("oom_target");

        ReplicatorProcess load = ReplicatorProcess.startWithHeap(dir.resolve("load.log"), List.of("load", "--workers=1",
                "--source.url=jdbc:sqlite:" + sqlite, "--target.url=" + target, "--target.username=postgres",
                "--replicator.data-dir=" + dir), "80m");

        assertThat(load.waitFor(180)).as(load.output()).isEqualTo(1);
        assertThat(load.output()).contains("huge", "out of memory", "-Xmx");
        try (Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.text(t, "SELECT status FROM replicator.tables WHERE table_name LIKE '%huge'")).isEqualTo("failed");
            assertThat(Tables.text(t, "SELECT status FROM replicator.tables WHERE table_name LIKE '%small'")).isEqualTo("done");
            assertThat(Tables.count(t, "small")).isEqualTo(1000);
            assertThat(Tables.single(t, "SELECT COUNT(*) FROM replicator.chunks WHERE table_name LIKE '%huge' AND status = 'done'")).isZero();
        }
    }
}
