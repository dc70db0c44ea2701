package org.camelreplicator.transform;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import org.camelreplicator.app.ReplicatorRuntime;
import org.camelreplicator.app.ReplicatorConfiguration;
import org.camelreplicator.observe.Meters;
import org.camelreplicator.plan.RunRequest;
import org.camelreplicator.support.Tables;
import org.camelreplicator.support.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A lookup's answers are cached for replicator.lookup.ttl: in one long-lived process (as serve is), a
 * value changed at the source within the TTL is not seen (the cached answer is kept), and after it
 * the next sync writes the new one; hits, misses and evictions are meters.
 */
class LookupCacheTest {

    private static final int TTL_SECONDS = 10;

    @TempDir
    Path dir;

    @Test
    void aLookedUpValueChangedAtTheSourceIsKeptWithinTheTtlAndReadAgainAfterIt() throws Exception {
        String source = TestPostgres.newDatabase("lookup_source");
        String target = TestPostgres.newDatabase("lookup_target");
        TestPostgres.execute(source, "CREATE TABLE status_codes (code integer PRIMARY KEY, name text NOT NULL)",
                "INSERT INTO status_codes VALUES (1, 'active'), (2, 'paused'), (3, 'closed')",
                "CREATE TABLE orders (id integer PRIMARY KEY, status integer NOT NULL, updated_at timestamp NOT NULL)",
                "INSERT INTO orders SELECT g, 1 + g % 3, now() - interval '1 day' FROM generate_series(1, 300) g");
        Map<String, String> settings = new HashMap<>(Map.of("source.url", source, "source.username", "postgres", "target.url", target,
                "target.username", "postgres", "replicator.data-dir", dir.toString(), "replicator.tables", "orders",
                "replicator.table.orders.transform", "routes/examples/lookup-column.camel.yaml",
                "replicator.lookup.ttl", String.valueOf(TTL_SECONDS), "replicator.sync.watermark", "updated_at"));
        settings.put("replicator.sync.overlap-seconds", "0");

        try (ReplicatorRuntime runtime = ReplicatorRuntime.start(settings, null)) {
            MeterRegistry meters = ((Meters) runtime.context().getRegistry().lookupByName(ReplicatorConfiguration.METERS)).registry();
            long start = System.nanoTime();
            assertThat(runtime.request("direct:load", RunRequest.of("load"))).isEqualTo(0);
            assertThat(names(target)).containsOnly("active", "paused", "closed");
            assertThat(gets(meters, "miss")).as("one query per status code").isEqualTo(3);
            assertThat(gets(meters, "hit")).as("the other rows answered from the cache").isEqualTo(297);

            TestPostgres.execute(source, "UPDATE status_codes SET name = 'enabled' WHERE code = 1",
                    "UPDATE orders SET updated_at = now() WHERE id = 3");
            assertThat(runtime.request("direct:sync", RunRequest.of("sync"))).isEqualTo(0);
            long elapsed = Duration.ofNanos(System.nanoTime() - start).toSeconds();
            assertThat(elapsed).as("load and the first sync ran within the TTL, so the cached answer must be in use").isLessThan(TTL_SECONDS);
            assertThat(name(target, 3)).as("within the TTL the cached answer is kept").isEqualTo("active");

            await().atMost(Duration.ofSeconds(TTL_SECONDS * 6L)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                TestPostgres.execute(source, "UPDATE orders SET updated_at = now() WHERE id = 3");
                assertThat(runtime.request("direct:sync", RunRequest.of("sync"))).isEqualTo(0);
                return "enabled".equals(name(target, 3));
            });
            assertThat(meters.get("cache.evictions").tag("cache", Lookups.CACHE).functionCounter().count())
                    .as("the expired answer was evicted").isGreaterThanOrEqualTo(1);
            assertThat(gets(meters, "miss")).isGreaterThan(3);
        }
    }

    private static double gets(MeterRegistry meters, String result) {
        return meters.get("cache.gets").tag("cache", Lookups.CACHE).tag("result", result).functionCounter().count();
    }

    private static List<String> names(String target) throws Exception {
        try (Connection t = TestPostgres.connect(target)) {
            return Tables.rows(t, "SELECT DISTINCT status_name FROM orders").stream().map(r -> r.get(0)).toList();
        }
    }

    private static String name(String target, int id) throws Exception {
        try (Connection t = TestPostgres.connect(target)) {
            return Tables.text(t, "SELECT status_name FROM orders WHERE id = " + id);
        }
    }
}
