package org.camelreplicator.routes;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariDataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.builder.ThreadPoolProfileBuilder;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.camelreplicator.app.ReplicatorConfiguration;
import org.camelreplicator.plan.RunRequest;
import org.camelreplicator.support.Chinook;
import org.camelreplicator.support.Tables;
import org.camelreplicator.support.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The YAML routes of routes/ in a CamelContext built by camel-test-junit5, with the beans of
 * ReplicatorConfiguration: the load pipeline copies every chunk once, and on --resume the
 * idempotent consumer lets through only the chunks the ledger does not mark done.
 */
class LoadRoutesTest extends CamelTestSupport {

    private final String target = TestPostgres.newDatabase("routes_target");
    private HikariDataSource sourcePool;
    private HikariDataSource targetPool;

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext context = super.createCamelContext();
        context.getPropertiesComponent().setLocation("file:application.properties");
        Map<String, String> settings = Map.of("source.url", "jdbc:sqlite:" + Chinook.sqlite(), "target.url", target,
                "replicator.tables", "InvoiceLine,Track", "replicator.chunk-rows", "500",
                "replicator.data-dir", Files.createTempDirectory("routes").toString());
        settings.forEach(context.getPropertiesComponent()::addOverrideProperty);
        // what camel-main builds from application.properties: the two pools and the two thread pools
        sourcePool = pool(settings.get("source.url"), "");
        targetPool = pool(target, "postgres");
        context.getRegistry().bind("source", sourcePool);
        context.getRegistry().bind("target", targetPool);
        for (String pool : new String[] {"tableWorkers", "chunkWorkers"}) {
            context.getExecutorServiceManager().registerThreadPoolProfile(
                    new ThreadPoolProfileBuilder(pool).poolSize(2).maxPoolSize(2).maxQueueSize(-1).build());
        }
        new ReplicatorConfiguration(settings).configure(context);
        for (String file : new String[] {"load", "after-actions", "commands", "errors"}) {
            Resource routes = ResourceHelper.resolveMandatoryResource(context, "file:routes/" + file + ".camel.yaml");
            PluginHelper.getRoutesLoader(context).loadRoutes(routes);
        }
        return context;
    }

    private static HikariDataSource pool(String url, String user) {
        HikariDataSource ds = new HikariDataSource();
        ds.setJdbcUrl(url);
        ds.setUsername(user);
        ds.setMaximumPoolSize(6);
        return ds;
    }

    @AfterEach
    void closePools() {
        sourcePool.close();
        targetPool.close();
    }

    @Test
    void everyChunkGoesThroughTheChunkRouteOnce() throws Exception {
        NotifyBuilder chunks = new NotifyBuilder(context).wereSentTo("direct:copy-chunk").whenExactlyDone(13).create();

        Object exit = template.requestBody("direct:load", RunRequest.of("load"));

        assertThat(exit).isEqualTo(0);
        assertThat(chunks.matches(10, TimeUnit.SECONDS)).as("13 chunks: InvoiceLine 2,240 rows, Track 3,503 rows, 500 a chunk").isTrue();
        try (Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.count(t, "invoice_line")).isEqualTo(2_240);
            assertThat(Tables.count(t, "track")).isEqualTo(3_503);
        }
    }

    @Test
    void onResumeOnlyTheChunksNotDoneGoThroughTheChunkRoute() throws Exception {
        assertThat(template.requestBody("direct:load", RunRequest.of("load"))).isEqualTo(0);
        // as if the process died while two chunks of track were copying: no rows, not done
        try (Connection t = TestPostgres.connect(target); Statement st = t.createStatement()) {
            st.execute("ALTER TABLE invoice_line DROP CONSTRAINT invoice_line_track_id_fkey");
            st.execute("UPDATE replicator.runs SET status = 'failed'");
            st.execute("UPDATE replicator.tables SET status = 'running' WHERE table_name = 'Track'");
            st.execute("UPDATE replicator.chunks SET status = 'running' WHERE table_name = 'Track' AND chunk_no IN (2, 5)");
            st.execute("DELETE FROM track t USING replicator.chunks c WHERE c.table_name = 'Track' AND c.chunk_no IN (2, 5)"
                    + " AND t.track_id >= (c.bounds::json->>'from')::int AND t.track_id < (c.bounds::json->>'to')::int");
        }
        NotifyBuilder copied = new NotifyBuilder(context).wereSentTo("direct:copy-chunk").whenExactlyDone(2).create();
        NotifyBuilder offered = new NotifyBuilder(context).wereSentTo("direct:load-chunk").whenExactlyDone(8).create();

        Object exit = template.requestBody("direct:load", new RunRequest("load", true, false, false, false, false));

        assertThat(exit).isEqualTo(0);
        assertThat(offered.matches(10, TimeUnit.SECONDS)).as("every chunk of Track is offered").isTrue();
        assertThat(copied.matches(10, TimeUnit.SECONDS)).as("exactly the two unfinished chunks are copied").isTrue();
        try (Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.count(t, "track")).isEqualTo(3_503);
            assertThat(Tables.single(t, "SELECT MAX(attempts) FROM replicator.chunks WHERE table_name = 'Track'")).isEqualTo(2);
            assertThat(Tables.single(t, "SELECT COUNT(*) FROM replicator.chunks WHERE attempts = 2")).isEqualTo(2);
        }
    }
}
