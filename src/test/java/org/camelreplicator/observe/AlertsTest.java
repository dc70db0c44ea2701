package org.camelreplicator.observe;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import org.camelreplicator.support.Replicator;
import org.camelreplicator.support.SampleTables;
import org.camelreplicator.support.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Alert rules with notifications: a real local HTTP receiver, set as replicator.alerts.uri, gets a
 * run that lasts longer than replicator.health.max-run-seconds (held at a locked table) as one
 * breach while it runs and one recovery when it has ended, each as JSON, once.
 */
class AlertsTest {

    @TempDir
    Path dir;

    @Test
    void aBreachAndItsRecoveryReachAWebhookOnceEach() throws Exception {
        String source = TestPostgres.newDatabase("alerts_source");
        try (Connection c = TestPostgres.connect(source)) {
            SampleTables.createItems(c, "items", 10_000);
        }
        List<String> received = new CopyOnWriteArrayList<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/alerts", exchange -> {
            received.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        String target = TestPostgres.newDatabase("alerts_target");
        Replicator replicator = Replicator.between(source, "postgres", target, dir);
        assertThat(replicator.run("schema").exitCode()).isZero();
        try (Connection blocker = TestPostgres.connect(target); java.sql.Statement st = blocker.createStatement()) {
            // the load waits for the table until the breach has arrived: it surely outlasts its second
            blocker.setAutoCommit(false);
            st.execute("LOCK TABLE items IN ACCESS EXCLUSIVE MODE");
            java.util.concurrent.CompletableFuture<Replicator.Result> load = java.util.concurrent.CompletableFuture.supplyAsync(() ->
                    replicator.run("load", "--replicator.alerts.uri=http://127.0.0.1:" + receiver.getAddress().getPort() + "/alerts",
                            "--replicator.alerts.check-interval=100", "--replicator.health.max-run-seconds=1"));
            await().atMost(java.time.Duration.ofSeconds(60)).pollInterval(java.time.Duration.ofMillis(50))
                    .failFast("the load ended first", load::isDone).until(() -> !received.isEmpty());
            blocker.rollback();
            Replicator.Result result = load.get(2, java.util.concurrent.TimeUnit.MINUTES);
            assertThat(result.exitCode()).as(result.all()).isZero();
        } finally {
            receiver.stop(0);
        }

        ObjectMapper json = new ObjectMapper();
        List<JsonNode> events = received.stream().map(body -> {
            try {
                return json.readTree(body);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).toList();
        assertThat(events).as("received: %s", received).hasSize(2);
        assertThat(events.get(0).get("state").asText()).isEqualTo("breach");
        assertThat(events.get(0).get("rule").asText()).isEqualTo("replicator.health.max-run-seconds");
        assertThat(events.get(0).get("message").asText()).contains("has been going for", "replicator.health.max-run-seconds=1");
        assertThat(events.get(1).get("state").asText()).isEqualTo("recovered");
        assertThat(events.get(1).get("rule").asText()).isEqualTo("replicator.health.max-run-seconds");
        assertThat(events.get(1).get("since").asText()).isEqualTo(events.get(0).get("since").asText());
    }
}
