package org.camelreplicator.observe;

import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.camelreplicator.app.ReplicatorRuntime;
import org.camelreplicator.support.Replicator;
import org.camelreplicator.support.SampleTables;
import org.camelreplicator.support.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The meters in Prometheus format and over JMX, and a health check that goes DOWN when a table fails. */
class MetricsAndHealthTest {

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void metersAreScrapedAndHealthGoesDownWhenATableFails() throws Exception {
        String source = TestPostgres.newDatabase("metrics_source");
        String target = TestPostgres.newDatabase("metrics_target");
        try (Connection c = TestPostgres.connect(source); Statement st = c.createStatement()) {
            SampleTables.createItems(c, "items", 400_000);
            st.execute("CREATE TABLE bad (id int PRIMARY KEY, amount numeric(12,2))");
            st.execute("INSERT INTO bad VALUES (1, 123456.78)");
        }
        Replicator replicator = Replicator.between(source, "postgres", target, dir);
        assertThat(replicator.run("schema").exitCode()).isZero();
        TestPostgres.execute(target, "ALTER TABLE bad ALTER COLUMN amount TYPE numeric(6,2)");
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
        ObjectName progress = new ObjectName(ReplicatorRuntime.PROGRESS_MBEAN);
        CompletableFuture<Replicator.Result> load = CompletableFuture.supplyAsync(() -> replicator.run("load",
                "--replicator.http.port=" + port, "--workers=2", "--chunk-rows=20000", "--batch-rows=1000",
                "--target.pool-size=9", "--target.pool-min-idle=3"));

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).ignoreExceptions()
                .failFast("the load ended first", load::isDone)
                .until(() -> (Long) jmx.getAttribute(progress, "TablesFailed") == 1
                        && get(port, "/metrics").body().contains("replicator_rows_copied_total{table=\"public.items\"}"));

        String metrics = get(port, "/metrics").body();
        assertThat(metrics).as("the process's and the pools' own meters").contains("jvm_memory_used_bytes{", "jvm_gc_", "jvm_threads_live_threads",
                "jvm_classes_loaded_classes", "process_cpu_usage", "process_uptime_seconds", "hikaricp_connections_active{pool=\"target\"}",
                "hikaricp_connections_idle{pool=\"source\"}", "hikaricp_connections_pending{pool=\"target\"}",
                "hikaricp_connections_timeout_total{pool=\"target\"}", "hikaricp_connections_usage_seconds_count{pool=\"target\"}",
                "hikaricp_connections_max{pool=\"target\"} 9.0", "hikaricp_connections_min{pool=\"target\"} 3.0");
        assertThat(metrics).contains("replicator_failures_total{table=\"public.bad\"} 1.0", "replicator_batch_rows_count",
                "replicator_batch_write_seconds_count", "replicator_chunk_duration_seconds_count{table=\"public.items\"}",
                "replicator_health 0.0");
        HttpResponse<String> health = get(port, "/health");
        assertThat(health.statusCode()).isEqualTo(503);
        assertThat(health.body()).contains("\"status\":\"DOWN\"", "1 failed tables (replicator.health.max-failed-tables=0)");
        assertThat(jmx.getAttribute(progress, "Health")).asString().startsWith("DOWN: 1 failed tables");
        assertThat(get(port, "/progress").body()).contains("\"public.items\"", "\"status\":\"running\"");
        assertThat(jmx.queryNames(new ObjectName("metrics:name=replicatorRowsCopied*,*"), null)).isNotEmpty();

        Replicator.Result result = load.get(120, TimeUnit.SECONDS);
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out()).contains("failed public.bad", "done public.items");
    }

    @Test
    void syncLagCountsFromTheLedgersLastSyncUntilThisProcessSyncsTheTable() {
        Health health = new Health(() -> null, 0, 30, 3600);
        health.syncedBefore("public.items", java.time.OffsetDateTime.now().minusHours(2));

        assertThat(health.syncLagSeconds()).isGreaterThan(7000);
        assertThat(health.status()).startsWith("DOWN").contains("replicator.health.max-sync-lag-seconds=3600");

        health.tableSynced("public.items");
        health.syncedBefore("public.items", java.time.OffsetDateTime.now().minusHours(2));
        assertThat(health.syncLagSeconds()).as("this process's own sync wins over the ledger's older one").isLessThan(60);
        assertThat(health.healthy()).isTrue();
    }
}
