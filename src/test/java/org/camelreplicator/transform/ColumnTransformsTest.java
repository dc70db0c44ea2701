package org.camelreplicator.transform;

import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;

import org.camelreplicator.support.Replicator;
import org.camelreplicator.support.Tables;
import org.camelreplicator.support.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Column transforms (replicator.table.<table>.transform), PostgreSQL to PostgreSQL: each example of
 * routes/examples/ on a table of its own, through load and sync; the target tables follow the
 * transforms, and tables without one keep the COPY passthrough.
 */
class ColumnTransformsTest {

    private static final String SALT = "pepper-42";
    private static final List<String> KINDS = List.of("drop", "rename", "mask", "cast", "compute", "lookup");

    @TempDir
    Path dir;

    /** The same customers in a table per kind, and the status codes a lookup reads. */
    private static void customers(String url) throws Exception {
        TestPostgres.execute(url, "CREATE TABLE status_codes (code integer PRIMARY KEY, name text NOT NULL)",
                "INSERT INTO status_codes VALUES (1, 'active'), (2, 'paused'), (3, 'closed')");
        for (String kind : KINDS) {
            TestPostgres.execute(url, "CREATE TABLE c_" + kind + " (id integer PRIMARY KEY, name varchar(40) NOT NULL, email varchar(80),"
                            + " phone text, card varchar(19), status integer NOT NULL, notes text, updated_at timestamp NOT NULL)",
                    "CREATE INDEX c_" + kind + "_email ON c_" + kind + " (email)",
                    "INSERT INTO c_" + kind + " SELECT g, 'name ' || g, 'user' || g || '@example.com', '+41 79 000 ' || g,"
                            + " '4000 0000 0000 ' || lpad(g::text, 4, '0'), 1 + g % 3, 'note ' || g, now() - interval '1 day'"
                            + " FROM generate_series(1, 500) g");
        }
        TestPostgres.execute(url, "CREATE TABLE plain (id integer PRIMARY KEY, v text)",
                "INSERT INTO plain SELECT g, 'v' || g FROM generate_series(1, 300) g");
    }

    private Replicator replicator(String source, String target) {
        Replicator r = Replicator.between(source, "postgres", target, dir).with("--replicator.mask.salt=" + SALT,
                "--replicator.sync.watermark=updated_at", "--replicator.sync.overlap-seconds=0", "--chunk-rows=200",
                "--replicator.table.c_drop.transform=routes/examples/drop-columns.camel.yaml",
                "--replicator.table.c_rename.transform=routes/examples/rename-column.camel.yaml",
                "--replicator.table.c_mask.transform=routes/examples/mask-columns.camel.yaml",
                "--replicator.table.c_cast.transform=routes/examples/cast-column.camel.yaml",
                "--replicator.table.c_compute.transform=routes/examples/compute-columns.camel.yaml",
                "--replicator.table.c_lookup.transform=routes/examples/lookup-column.camel.yaml");
        return r;
    }

    @Test
    void eachKindOfTransformShapesTheTargetTableAndItsRowsThroughLoadAndSync() throws Exception {
        String source = TestPostgres.newDatabase("transform_source");
        String target = TestPostgres.newDatabase("transform_target");
        customers(source);
        Replicator replicator = replicator(source, target);

        Replicator.Result plan = replicator.run("load", "--dry-run");
        assertThat(plan.exitCode()).as(plan.all()).isZero();
        assertThat(plan.out()).contains(
                "transform: route example-drop-columns (replicator.table.c_drop.transform); drops notes; target columns id, name,"
                        + " email, phone, card, status, updated_at",
                "transform: route example-mask-columns (replicator.table.c_mask.transform); sets email as text, card, phone; target"
                        + " columns id, name, email, phone, card, status, notes, updated_at (rows are read as values and go through the"
                        + " route, not the COPY passthrough)",
                "transform: route example-compute-columns (replicator.table.c_compute.transform); adds display_name text,"
                        + " name_length integer, card_last4 text");

        Replicator.Result load = replicator.run("load");

        assertThat(load.exitCode()).as(load.all()).isZero();
        try (Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.columns(t, "public", "c_drop")).containsExactly("id", "name", "email", "phone", "card", "status", "updated_at");
            assertThat(Tables.columns(t, "public", "c_rename")).containsExactly("id", "email", "phone", "card", "status", "notes",
                    "updated_at", "full_name");
            assertThat(Tables.columns(t, "public", "c_compute")).containsExactly("id", "name", "email", "phone", "card", "status", "notes",
                    "updated_at", "display_name", "name_length", "card_last4");
            assertThat(Tables.rows(t, "SELECT column_name, data_type, is_nullable FROM information_schema.columns"
                    + " WHERE table_name = 'c_rename' AND column_name = 'full_name'"))
                    .as("a renamed column keeps its type").containsExactly(List.of("full_name", "character varying", "YES"));
            assertThat(Tables.rows(t, "SELECT table_name, column_name, data_type FROM information_schema.columns WHERE"
                    + " (table_name, column_name) IN (('c_mask', 'email'), ('c_cast', 'status'), ('c_compute', 'name_length'),"
                    + " ('c_lookup', 'status_name')) ORDER BY 1"))
                    .containsExactly(List.of("c_cast", "status", "text"), List.of("c_compute", "name_length", "integer"),
                            List.of("c_lookup", "status_name", "text"), List.of("c_mask", "email", "text"));
            for (String kind : KINDS) {
                assertThat(Tables.count(t, "c_" + kind)).as(kind).isEqualTo(500);
            }
            assertThat(Tables.rows(t, "SELECT id, full_name FROM c_rename WHERE id = 7")).containsExactly(List.of("7", "name 7"));
            assertThat(Tables.rows(t, "SELECT email, card, phone FROM c_mask WHERE id = 7")).containsExactly(
                    java.util.Arrays.asList(new Masks(SALT).hash("user7@example.com"), "***************0007", null));
            assertThat(Tables.text(t, "SELECT email FROM c_mask WHERE id = 7")).hasSize(64).doesNotContain("user7");
            assertThat(Tables.rows(t, "SELECT status FROM c_cast WHERE id = 7")).containsExactly(List.of("2"));
            assertThat(Tables.rows(t, "SELECT display_name, name_length, card_last4 FROM c_compute WHERE id = 7"))
                    .containsExactly(List.of("name 7 (7)", "6", "***************0007"));
            assertThat(Tables.rows(t, "SELECT status, status_name FROM c_lookup WHERE id IN (6, 7, 8) ORDER BY id"))
                    .containsExactly(List.of("1", "active"), List.of("2", "paused"), List.of("3", "closed"));
            assertThat(Tables.rows(t, "SELECT indexname FROM pg_indexes WHERE tablename IN ('c_drop', 'c_mask') AND indexname LIKE '%email%'"
                    + " ORDER BY 1")).as("an index over a masked column is not built; over a kept one it is")
                    .containsExactly(List.of("c_drop_email_idx"));
            assertThat(Tables.count(t, "plain")).isEqualTo(300);
        }

        for (String kind : KINDS) {
            TestPostgres.execute(source, "UPDATE c_" + kind + " SET name = 'renamed ' || id, email = 'new' || id || '@example.com',"
                    + " status = 3, notes = 'changed', updated_at = now() WHERE id IN (7, 8)",
                    "INSERT INTO c_" + kind + " VALUES (501, 'new 501', 'x501@example.com', '+41', '5555 4444 3333 2222', 2, 'n', now())");
        }

        Replicator.Result syncPlan = replicator.run("sync", "--dry-run");
        assertThat(syncPlan.exitCode()).as(syncPlan.all()).isZero();
        assertThat(syncPlan.out()).contains("Column transforms (changed rows go through the route before the upsert):",
                "public.c_rename: route example-rename-column (replicator.table.c_rename.transform); drops name; adds full_name as name");

        Replicator.Result sync = replicator.run("sync");

        assertThat(sync.exitCode()).as(sync.all()).isZero();
        try (Connection t = TestPostgres.connect(target)) {
            for (String kind : KINDS) {
                assertThat(Tables.count(t, "c_" + kind)).as(kind).isEqualTo(501);
            }
            assertThat(Tables.rows(t, "SELECT id, full_name FROM c_rename WHERE id IN (7, 501) ORDER BY id"))
                    .containsExactly(List.of("7", "renamed 7"), List.of("501", "new 501"));
            assertThat(Tables.rows(t, "SELECT email, card, phone FROM c_mask WHERE id = 501")).containsExactly(
                    java.util.Arrays.asList(new Masks(SALT).hash("x501@example.com"), "***************2222", null));
            assertThat(Tables.text(t, "SELECT email FROM c_mask WHERE id = 7")).isEqualTo(new Masks(SALT).hash("new7@example.com"));
            assertThat(Tables.rows(t, "SELECT status FROM c_cast WHERE id = 8")).containsExactly(List.of("3"));
            assertThat(Tables.rows(t, "SELECT display_name, name_length FROM c_compute WHERE id = 8"))
                    .containsExactly(List.of("renamed 8 (8)", "9"));
            assertThat(Tables.rows(t, "SELECT status_name FROM c_lookup WHERE id IN (7, 501) ORDER BY id"))
                    .containsExactly(List.of("closed"), List.of("paused"));
            assertThat(Tables.rows(t, "SELECT name FROM c_drop WHERE id = 7")).containsExactly(List.of("renamed 7"));
            assertThat(Tables.columns(t, "public", "c_drop")).as("sync wrote no dropped column").doesNotContain("notes");
        }
    }
}
