package org.camelreplicator.verify;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.camelreplicator.app.ReplicatorRuntime;
import org.camelreplicator.support.Replicator;
import org.camelreplicator.support.SampleTables;
import org.camelreplicator.support.Tables;
import org.camelreplicator.support.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * serve with replicator.serve.command=verify: the timer verifies, a table that differs turns the
 * health DOWN and shows in the meters; with replicator.verify.repair=true the next tick mends it and
 * the health is UP again.
 */
class VerifyServeTest {

    @TempDir
    Path dir;

    @Test
    void aScheduledVerifyTurnsHealthDownWhileATableDiffersAndAScheduledRepairMendsIt() throws Exception {
        String source = TestPostgres.newDatabase("verify_serve_source");
        String target = TestPostgres.newDatabase("verify_serve_target");
        try (Connection s = TestPostgres.connect(source)) {
            SampleTables.createItems(s, "items", 2_000);
        }
        assertThat(Replicator.between(source, "postgres", target, dir).run("load").exitCode()).isZero();
        TestPostgres.execute(target, "UPDATE items SET qty = qty + 1 WHERE id = 1234");
        int port = freePort();

        try (ReplicatorRuntime serve = serve(source, target, port, false)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> get(port, "/health").statusCode() == 503);
            assertThat(get(port, "/health").body()).contains("1 tables differ from their source at their last verify: public.items",
                    "replicator.health.max-differing-tables=0");
            assertThat(get(port, "/metrics").body()).contains("replicator_verify_tables_differing 1.0",
                    "replicator_verify_rows_differing_total{kind=\"changed\",table=\"public.items\"}");
        }
        try (ReplicatorRuntime serve = serve(source, target, port, true)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> get(port, "/health").statusCode() == 200
                    && get(port, "/metrics").body().contains("replicator_repair_rows_total{table=\"public.items\"}"));
        }
        try (Connection s = TestPostgres.connect(source); Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.contentHash(t, "items", "id")).isEqualTo(Tables.contentHash(s, "items", "id"));
        }
    }

    private ReplicatorRuntime serve(String source, String target, int port, boolean repair) throws Exception {
        Map<String, String> settings = new HashMap<>();
        settings.put("source.url", source);
        settings.put("source.username", "postgres");
        settings.put("target.url", target);
        settings.put("target.username", "postgres");
        settings.put("replicator.data-dir", dir.toString());
        settings.put("replicator.serving", "true");
        settings.put("replicator.serve.every", "300");
        settings.put("replicator.serve.command", "verify");
        settings.put("replicator.verify.repair", String.valueOf(repair));
        settings.put("replicator.http.port", String.valueOf(port));
        return ReplicatorRuntime.start(settings, null);
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
