package org.camelreplicator.copy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;

import org.camelreplicator.support.Chinook;
import org.camelreplicator.support.Replicator;
import org.camelreplicator.support.Tables;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** A target without COPY (H2): rows go in as JDBC batches, and the ledger lives there too. */
class JdbcTargetTest {

    @TempDir
    Path dir;

    @Test
    void chinookLoadsIntoH2WithJdbcBatchesAndResumableLedger() throws Exception {
        String target = "jdbc:h2:file:" + dir.resolve("target");
        Replicator.Result r = Replicator.execute("load", "--source.url=jdbc:sqlite:" + Chinook.sqlite(), "--source.username=",
                "--target.url=" + target, "--target.username=sa", "--replicator.data-dir=" + dir,
                "--replicator.target-schema=PUBLIC", "--chunk-rows=1000");

        assertThat(r.exitCode()).as(r.all()).isZero();
        try (Connection t = DriverManager.getConnection(target, "sa", "")) {
            assertThat(Tables.count(t, "\"invoice_line\"")).isEqualTo(2_240);
            assertThat(Tables.count(t, "\"playlist_track\"")).isEqualTo(8_715);
            assertThat(Tables.text(t, "SELECT CAST(SUM(\"unit_price\" * \"quantity\") AS VARCHAR) FROM \"invoice_line\""))
                    .isEqualTo("2328.60");
            assertThat(Tables.text(t, "SELECT \"name\" FROM \"artist\" WHERE \"artist_id\" = 28")).isEqualTo("João Gilberto");
            assertThat(Tables.single(t, "SELECT COUNT(*) FROM \"replicator\".CHUNKS WHERE STATUS = 'done'"))
                    .isGreaterThanOrEqualTo(11 + 8);
        }
        // verify reads the H2 copy by its own types: every table equal to the source
        Replicator.Result verify = Replicator.execute("verify", "--source.url=jdbc:sqlite:" + Chinook.sqlite(), "--source.username=",
                "--target.url=" + target, "--target.username=sa", "--replicator.data-dir=" + dir, "--replicator.target-schema=PUBLIC");
        assertThat(verify.exitCode()).as(verify.all()).isZero();
        assertThat(verify.out()).contains("Tables: 11 total, 11 equal");
    }
}
