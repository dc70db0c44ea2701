package org.camelreplicator.observe;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.camelreplicator.app.ReplicatorRuntime;
import org.camelreplicator.support.Replicator;
import org.camelreplicator.support.SampleTables;
import org.camelreplicator.support.Tables;
import org.camelreplicator.support.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A running load seen through the platform MBean server: the replicator's progress and Camel's own route MBeans. */
class JmxTest {

    @TempDir
    Path dir;

    @Test
    void aRunningLoadShowsItsProgressOverJmxAndStopsGracefullyFromThere() throws Exception {
        String source = TestPostgres.newDatabase("jmx_source");
        String target = TestPostgres.newDatabase("jmx_target");
        try (Connection c = TestPostgres.connect(source)) {
            SampleTables.createItems(c, "items", 400_000);
        }
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName progress = new ObjectName(ReplicatorRuntime.PROGRESS_MBEAN);
        CompletableFuture<Replicator.Result> load = CompletableFuture.supplyAsync(() -> Replicator.between(source, "postgres", target, dir)
                .run("load", "--workers=2", "--chunk-rows=20000", "--batch-rows=1000"));

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).ignoreExceptions()
                .failFast("the load ended first", load::isDone)
                .until(() -> (Long) server.getAttribute(progress, "RowsCopied") > 0);

        assertThat(server.getAttribute(progress, "Status")).isEqualTo("running");
        assertThat(server.getAttribute(progress, "TablesTotal")).isEqualTo(1);
        assertThat((Long) server.getAttribute(progress, "RunId")).isEqualTo(1);
        assertThat((Long) server.getAttribute(progress, "BytesCopied")).isPositive();
        assertThat((String[]) server.getAttribute(progress, "RunningTables")).containsExactly("public.items");
        Set<ObjectName> routes = server.queryNames(new ObjectName("org.apache.camel:type=routes,*"), null);
        assertThat(routes.stream().map(n -> n.getKeyProperty("name"))).contains("\"copy-chunk\"", "\"load\"");
        ObjectName copyChunk = routes.stream().filter(n -> n.getKeyProperty("name").equals("\"copy-chunk\"")).findFirst().orElseThrow();
        assertThat(server.getAttribute(copyChunk, "ExchangesTotal")).isNotNull();

        Object answer = server.invoke(progress, "stop", new Object[0], new String[0]);
        assertThat(answer).asString().startsWith("Stopping run 1");

        Replicator.Result result = load.get(60, TimeUnit.SECONDS);
        assertThat(result.exitCode()).isEqualTo(1);
        try (Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.text(t, "SELECT status FROM replicator.runs")).isEqualTo("stopped");
            assertThat(Tables.count(t, "items")).isEqualTo(
                    Tables.single(t, "SELECT COALESCE(SUM(rows_copied), 0) FROM replicator.chunks WHERE status = 'done'"));
        }
        assertThat(server.isRegistered(progress)).as("unregistered when the command ends").isFalse();
    }
}
