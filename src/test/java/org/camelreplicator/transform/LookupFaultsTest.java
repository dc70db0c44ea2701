package org.camelreplicator.transform;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;

import org.camelreplicator.support.Gate;
import org.camelreplicator.support.Replicator;
import org.camelreplicator.support.ReplicatorProcess;
import org.camelreplicator.support.Tables;
import org.camelreplicator.support.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A lookup that fails follows the run's fault rules: a lost connection is retried with the chunk
 * (the existing transient retries), a query the source refuses fails the table naming table, column,
 * row key and the setting.
 */
class LookupFaultsTest {

    @TempDir
    Path dir;

    private static void orders(String source) throws Exception {
        TestPostgres.execute(source, "CREATE TABLE status_codes (code integer PRIMARY KEY, name text NOT NULL)",
                "INSERT INTO status_codes VALUES (1, 'active'), (2, 'paused'), (3, 'closed')",
                "CREATE TABLE orders (id integer PRIMARY KEY, status integer NOT NULL)",
                "INSERT INTO orders SELECT g, 1 + g % 3 FROM generate_series(1, 2000) g");
    }

    @Test
    void aLookupWhoseSessionIsTerminatedIsRetriedWithItsChunkAndTheLoadEndsExact() throws Exception {
        String source = TestPostgres.newDatabase("lookup_transient_source");
        String target = TestPostgres.newDatabase("lookup_transient_target");
        orders(source);
        List<String> args = new ArrayList<>(List.of("load", "--source.url=" + source, "--source.username=postgres", "--target.url=" + target,
                "--target.username=postgres", "--replicator.data-dir=" + dir, "--replicator.tables=orders", "--chunk-rows=500",
                "--replicator.table.orders.transform=routes/examples/lookup-column.camel.yaml", "--replicator.retry.initial-delay=100"));

        ReplicatorProcess p;
        try (Gate lookups = Gate.lock(source, "status_codes", "LOCK TABLE status_codes IN ACCESS EXCLUSIVE MODE")) {
            p = ReplicatorProcess.start(dir.resolve("load.log"), args);
            lookups.awaitWaiting(1, () -> !p.alive());
            assertThat(lookups.terminateWaiting()).as("a lookup's session, lost as in a failover").isGreaterThanOrEqualTo(1);
            lookups.open();
        }

        assertThat(p.waitFor(120)).as(p.output()).isZero();
        assertThat(p.output()).contains("after a transient failure");
        try (Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.rows(t, "SELECT status, status_name, count(*) FROM orders GROUP BY 1, 2 ORDER BY 1")).containsExactly(
                    List.of("1", "active", "666"), List.of("2", "paused", "667"), List.of("3", "closed", "667"));
        }
    }

    @Test
    void aLookupTheSourceRefusesFailsItsTableNamingTableColumnRowKeyAndSetting() throws Exception {
        String source = TestPostgres.newDatabase("lookup_refused_source");
        String target = TestPostgres.newDatabase("lookup_refused_target");
        orders(source);
        Path route = dir.resolve("bad-lookup.camel.yaml");
        Files.writeString(route, Files.readString(Path.of("routes/examples/lookup-column.camel.yaml"))
                .replace("FROM status_codes", "FROM no_such_codes").replace("example-lookup-column", "bad-lookup"));

        Replicator.Result load = Replicator.between(source, "postgres", target, dir).with("--replicator.tables=orders",
                "--replicator.table.orders.transform=" + route).run("load");

        assertThat(load.exitCode()).as(load.all()).isEqualTo(1);
        assertThat(load.all()).containsPattern("Table public.orders, column status_name, row \\(id=\\d+\\): the transform route bad-lookup"
                + " \\(replicator.table.orders.transform\\) failed at setHeader\\[status_name\\]: lookup SELECT name FROM no_such_codes"
                + " WHERE code = :#status on the source with status=\\d failed: ").contains("no_such_codes\" does not exist");
    }
}
