package org.camelreplicator.verify;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;

import org.camelreplicator.support.Replicator;
import org.camelreplicator.support.SampleTables;
import org.camelreplicator.support.Tables;
import org.camelreplicator.support.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** verify and verify --repair, PostgreSQL to PostgreSQL: the servers digest the ranges, the keys of a differing part are merged. */
class VerifyPostgresTest {

    @TempDir
    Path dir;

    @Test
    void verifyNamesEachDamagedRowAndColumnRepairMendsOnlyThoseRangesAndASecondVerifyIsClean() throws Exception {
        String source = TestPostgres.newDatabase("verify_pg_source");
        String target = TestPostgres.newDatabase("verify_pg_target");
        try (Connection s = TestPostgres.connect(source)) {
            SampleTables.createItems(s, "items", 20_000);
            SampleTables.createItems(s, "untouched", 3_000);
        }
        Replicator replicator = Replicator.between(source, "postgres", target, dir)
                .with("--chunk-rows=5000", "--replicator.verify.leaf-rows=500");
        assertThat(replicator.run("load").exitCode()).isZero();
        TestPostgres.execute(target,
                "DELETE FROM items WHERE id = 17",
                "INSERT INTO items SELECT 30001, code, name, qty, price, ratio, active, created_at, updated_on, payload, tags, attrs, ref"
                        + " FROM items WHERE id = 18",
                "UPDATE items SET name = 'changed on the target' WHERE id = 42",
                "UPDATE items SET price = price + 1 WHERE id = 4242",
                "UPDATE items SET created_at = created_at + interval '1 second' WHERE id = 7000",
                "UPDATE items SET payload = '\\x00' WHERE id = 12001",
                "UPDATE items SET name = '' WHERE id = 19990");

        Replicator.Result verify = replicator.run("verify");

        assertThat(verify.exitCode()).as(verify.all()).isEqualTo(1);
        assertThat(verify.out()).contains("(id=17): missing on the target", "(id=30001): extra on the target",
                "(id=42): changed (name)", "(id=4242): changed (price)", "(id=7000): changed (created_at)",
                "(id=12001): changed (payload)", "(id=19990): changed (name)");
        assertThat(verify.out()).containsPattern("public\\.items\\s+4\\s+0\\s+4\\s+1\\s+1\\s+5\\s+differs");
        assertThat(verify.out()).containsPattern("public\\.untouched\\s+1\\s+1\\s+0\\s+0\\s+0\\s+0\\s+equal");
        try (Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.rows(t, "SELECT table_name, status, missing_rows, extra_rows, changed_rows FROM replicator.verify_tables ORDER BY 1"))
                    .containsExactly(List.of("public.items", "differs", "1", "1", "5"), List.of("public.untouched", "equal", "0", "0", "0"));
            assertThat(Tables.rows(t, "SELECT kind, row_key, columns FROM replicator.verify_keys ORDER BY kind, row_key"))
                    .contains(List.of("changed", "(id=12001)", "payload"), List.of("missing", "(id=17)", ""), List.of("extra", "(id=30001)", ""));
        }
        Path report = Files.list(dir.resolve("reports")).filter(p -> p.getFileName().toString().startsWith("run-2-")).findFirst().orElseThrow();
        assertThat(Files.readString(report)).contains("\"verify\"", "\"kind\" : \"changed\"", "\"key\" : \"(id=4242)\"", "\"columns\" : [ \"price\" ]");

        Replicator.Result repair = replicator.run("verify", "--repair", "--resume");

        assertThat(repair.exitCode()).as(repair.all()).isZero();
        assertThat(repair.out()).containsPattern("public\\.items: \\d+ ranges rewritten");
        try (Connection s = TestPostgres.connect(source); Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.contentHash(t, "items", "id")).isEqualTo(Tables.contentHash(s, "items", "id"));
            long moved = Tables.single(t, "SELECT SUM(copied_rows) FROM replicator.verify_ranges WHERE status = 'repaired'");
            assertThat(moved).as("rows copied again, of 20,000").isBetween(6L, 20_000L / 4);
            assertThat(Tables.text(t, "SELECT status FROM replicator.verify_tables WHERE table_name = 'public.items'")).isEqualTo("repaired");
        }

        Replicator.Result again = replicator.run("verify");
        assertThat(again.exitCode()).as(again.all()).isZero();
        assertThat(again.out()).contains("Tables: 2 total, 2 equal, 0 differ");
        Replicator.Result status = replicator.run("status");
        assertThat(status.out()).contains("Last verify:").containsPattern("public\\.items\\s+\\S+\\s+3\\s+equal\\s+4 ranges equal");
        assertThat(replicator.run("status", "--json").out()).containsPattern("\"verify_state\" : \\{\\s+\"public.items\" : \\{\\s+"
                + "\"verified_at\" : \"[^\"]+\",\\s+\"run_id\" : 3,\\s+\"outcome\" : \"equal\"");
    }

    @Test
    void keysLimitTheComparedRowsAndATargetWithoutALoadInTheLedgerIsPlannedAfresh() throws Exception {
        String source = TestPostgres.newDatabase("verify_pg_keys_source");
        String target = TestPostgres.newDatabase("verify_pg_keys_target");
        try (Connection s = TestPostgres.connect(source)) {
            SampleTables.createItems(s, "items", 10_000);
        }
        Replicator replicator = Replicator.between(source, "postgres", target, dir).with("--chunk-rows=2500");
        assertThat(replicator.run("load").exitCode()).isZero();
        TestPostgres.execute(target, "UPDATE items SET qty = -1 WHERE id IN (150, 9000)");

        Replicator.Result first = replicator.run("verify", "--keys=100..2000");
        assertThat(first.exitCode()).as(first.all()).isEqualTo(1);
        assertThat(first.out()).contains("(id=150): changed (qty)").doesNotContain("(id=9000)");
        assertThat(replicator.run("verify", "--keys=2001..8999").exitCode()).isZero();

        // another ledger schema knows no load of these tables: the ranges are planned as a load would plan them
        Replicator.Result fresh = replicator.run("verify", "--replicator.ledger-schema=other_ledger");
        assertThat(fresh.exitCode()).isEqualTo(1);
        assertThat(fresh.out()).contains("(id=150): changed (qty)", "(id=9000): changed (qty)")
                .containsPattern("public\\.items\\s+4\\s+2\\s+2\\s+0\\s+0\\s+2\\s+differs");
    }
}
