package org.camelreplicator.sync;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;

import org.camelreplicator.support.Replicator;
import org.camelreplicator.support.Tables;
import org.camelreplicator.support.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * sync beyond PostgreSQL to PostgreSQL: a SQLite source whose watermark is text (SQLite's
 * CURRENT_TIMESTAMP form), and an H2 target, where the upsert is a MERGE.
 */
class SyncOtherEnginesTest {

    @TempDir
    Path dir;

    @Test
    void sqliteTextTimestampsFindTheChangedRows() throws Exception {
        String source = "jdbc:sqlite:" + dir.resolve("source.db");
        String target = TestPostgres.newDatabase("sync_sqlite_target");
        try (Connection c = DriverManager.getConnection(source); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE Tracks (TrackId INTEGER PRIMARY KEY, Name NVARCHAR(200) NOT NULL, Milliseconds INTEGER,"
                    + " UpdatedAt TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)");
            st.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)"
                    + " INSERT INTO Tracks SELECT i, 'track ' || i, i * 1000, datetime('now', '-1 day') FROM n");
        }
        Replicator replicator = Replicator.between(source, "", target, dir)
                .with("--replicator.sync.watermark=UpdatedAt", "--replicator.sync.deletes=reconcile", "--replicator.sync.overlap-seconds=0");
        assertThat(replicator.run("load").exitCode()).isZero();
        try (Connection c = DriverManager.getConnection(source); Statement st = c.createStatement()) {
            st.execute("UPDATE Tracks SET Milliseconds = 1, UpdatedAt = CURRENT_TIMESTAMP WHERE TrackId <= 40");
            st.execute("UPDATE Tracks SET Name = 'renamed twice', UpdatedAt = CURRENT_TIMESTAMP WHERE TrackId = 3");
            st.execute("INSERT INTO Tracks (TrackId, Name) VALUES (3001, 'Ça plane pour moi')");
            st.execute("DELETE FROM Tracks WHERE TrackId IN (2000, 2500)");
        }

        Replicator.Result sync = replicator.run("sync");

        assertThat(sync.exitCode()).as(sync.all()).isZero();
        try (Connection s = DriverManager.getConnection(source); Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.rows(t, "SELECT track_id, name, milliseconds FROM tracks ORDER BY track_id"))
                    .isEqualTo(Tables.rows(s, "SELECT TrackId, Name, Milliseconds FROM Tracks ORDER BY TrackId"));
            assertThat(Tables.rows(t, "SELECT rows_copied FROM replicator.tables WHERE run_id = 2"))
                    .as("only the 41 changed rows were read").containsExactly(List.of("41"));
        }
    }

    @Test
    void anH2TargetTakesTheChangesThroughMerge() throws Exception {
        String source = "jdbc:h2:file:" + dir.resolve("source");
        String target = "jdbc:h2:file:" + dir.resolve("target");
        try (Connection c = DriverManager.getConnection(source, "postgres", ""); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE ORDERS (ORDER_ID BIGINT PRIMARY KEY, CUSTOMER VARCHAR(80) NOT NULL, TOTAL DECIMAL(12,2),"
                    + " CHANGED_AT TIMESTAMP NOT NULL)");
            st.execute("INSERT INTO ORDERS SELECT X, 'customer ' || X, X / 8.0, LOCALTIMESTAMP - INTERVAL '1' DAY"
                    + " FROM SYSTEM_RANGE(1, 5000)");
        }
        Replicator replicator = Replicator.between(source, "postgres", target, dir)
                .with("--replicator.target-schema=PUBLIC", "--replicator.sync.watermark=CHANGED_AT",
                        "--replicator.sync.deletes=reconcile", "--replicator.sync.overlap-seconds=0", "--chunk-rows=1000");
        Replicator.Result load = replicator.run("load");
        assertThat(load.exitCode()).as(load.all()).isZero();
        try (Connection c = DriverManager.getConnection(source, "postgres", ""); Statement st = c.createStatement()) {
            st.execute("UPDATE ORDERS SET TOTAL = TOTAL + 1, CHANGED_AT = LOCALTIMESTAMP WHERE ORDER_ID BETWEEN 100 AND 199");
            st.execute("UPDATE ORDERS SET CUSTOMER = 'changed twice', CHANGED_AT = LOCALTIMESTAMP WHERE ORDER_ID = 150");
            st.execute("INSERT INTO ORDERS VALUES (5001, 'new', 9.99, LOCALTIMESTAMP)");
            st.execute("DELETE FROM ORDERS WHERE ORDER_ID BETWEEN 3001 AND 3010");
        }

        Replicator.Result sync = replicator.run("sync");

        assertThat(sync.exitCode()).as(sync.all()).isZero();
        assertThat(sync.out()).contains("1 synced, 0 unchanged, 0 failed", "Rows deleted (gone from the source): 10");
        try (Connection s = DriverManager.getConnection(source, "postgres", "");
             Connection t = DriverManager.getConnection(target, "postgres", "")) {
            assertThat(Tables.rows(t, "SELECT \"order_id\", \"customer\", \"total\" FROM \"orders\" ORDER BY 1"))
                    .isEqualTo(Tables.rows(s, "SELECT ORDER_ID, CUSTOMER, TOTAL FROM ORDERS ORDER BY 1"));
            assertThat(Tables.single(t, "SELECT ROWS_COPIED FROM \"replicator\".TABLES WHERE RUN_ID = 2")).isEqualTo(101);
        }
        Replicator.Result again = replicator.run("sync");
        assertThat(again.out()).as(again.all()).contains("0 synced, 1 unchanged, 0 failed");
    }
}
