package org.camelreplicator.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import org.camelreplicator.config.ReplicatorSettings.Naming;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReplicatorSettingsTest {

    private static ReplicatorSettings settings(Map<String, String> values) {
        return ReplicatorSettings.from(key -> Optional.ofNullable(values.get(key)));
    }

    @Test
    void defaultsApplyWhenNothingIsSet() {
        ReplicatorSettings s = ReplicatorSettings.from(key -> Optional.empty());

        assertThat(s.tables()).isEmpty();
        assertThat(s.exclude()).isEmpty();
        assertThat(s.sourceSchema()).isEmpty();
        assertThat(s.targetSchema()).isEqualTo("public");
        assertThat(s.naming()).isEqualTo(Naming.SNAKE);
        assertThat(s.workers()).isEqualTo(4);
        assertThat(s.batchRows()).isEqualTo(5_000);
        assertThat(s.chunkRows()).isEqualTo(5_000_000L);
        assertThat(s.fetchSize()).isEqualTo(5_000);
        assertThat(s.ledgerSchema()).isEqualTo("replicator");
        assertThat(s.dataDir()).isEqualTo(Path.of("replicator-data"));
        assertThat(s.embeddedPort()).isEqualTo(54329);
        assertThat(s.progressEvery()).isEqualTo(10);
    }

    @Test
    void afterActionsAreCutIntoStatementsOnlyAtTheSemicolonsThatEndThem() {
        ReplicatorSettings s = ReplicatorSettings.from(key -> Optional.ofNullable(Map.of(
                "replicator.after-load", "ANALYZE; ; VACUUM orders").get(key)), Map.of(
                "replicator.table.orders.after-load", "INSERT INTO log VALUES ('a;b', \"x;y\"); -- done; really\n"
                        + "DO $$BEGIN PERFORM 1; END$$;/* end; */",
                "replicator.table.orders.refresh-views", " order_totals, reports.daily ",
                "replicator.table.items.after-sync", "REFRESH MATERIALIZED VIEW item_totals"));

        assertThat(s.afterActions().tableAfterLoad().get("orders"))
                .containsExactly("INSERT INTO log VALUES ('a;b', \"x;y\")", "-- done; really\nDO $$BEGIN PERFORM 1; END$$");
        assertThat(s.afterActions().refreshViews().get("orders")).containsExactly("order_totals", "reports.daily");
        assertThat(s.afterActions().tableAfterSync().get("items")).containsExactly("REFRESH MATERIALIZED VIEW item_totals");
        assertThat(s.afterActions().afterLoad()).containsExactly("ANALYZE", "VACUUM orders");
        assertThat(s.afterActions().refreshConcurrently()).isFalse();
        assertThatThrownBy(() -> ReplicatorSettings.from(key -> Optional.empty(), Map.of("replicator.table.orders.after-sync", " ; ")))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("replicator.table.orders.after-sync").hasMessageContaining("holds no SQL statement");
        assertThatThrownBy(() -> ReplicatorSettings.from(key -> Optional.empty(), Map.of("replicator.table.orders.refresh-views", "v; DROP TABLE x")))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("is not a list of materialized view names");
    }

    @Test
    void serveStreamsWithoutATickAndTheStreamsSettingsAreChecked() {
        assertThat(settings(Map.of("replicator.serve.command", "stream")).serveCommand()).isEqualTo("stream");
        assertThatThrownBy(() -> settings(Map.of("replicator.serve.command", "stream", "replicator.serve.every", "60000")))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("replicator.serve.every=60000 with replicator.serve.command=stream");
        assertThat(settings(Map.of("replicator.health.max-stream-lag-seconds", "30")).alerts().maxStreamLagSeconds()).isEqualTo(30);
        StreamSettings stream = StreamSettings.from(key -> Optional.ofNullable(Map.of("replicator.stream.max-slot-wal-mb", "0",
                "replicator.stream.heartbeat-ms", "2000").get(key)));
        assertThat(stream.maxSlotWalMb()).isZero();
        assertThat(stream.heartbeatMs()).isEqualTo(2000);
        assertThatThrownBy(() -> StreamSettings.from(key -> Optional.ofNullable(Map.of("replicator.stream.heartbeat-ms", "0").get(key))))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("replicator.stream.heartbeat-ms");
    }

    @Test
    void blankValuesCountAsNotSet() {
        ReplicatorSettings s = settings(Map.of("replicator.workers", "  ", "replicator.target-schema", ""));

        assertThat(s.workers()).isEqualTo(4);
        assertThat(s.targetSchema()).isEqualTo("public");
    }

    @Test
    void listsAreSplitAtCommasAndTrimmed() {
        ReplicatorSettings s = settings(Map.of(
                "replicator.tables", "a, b ,c",
                "replicator.exclude", " audit_log,, tmp_ "));

        assertThat(s.tables()).containsExactly("a", "b", "c");
        assertThat(s.exclude()).containsExactly("audit_log", "tmp_");
    }

    @Test
    void targetNameOverridesAreReadPerTableAndPerColumnWithSchemaQualifiedTables() {
        ReplicatorSettings s = ReplicatorSettings.from(key -> Optional.empty(), Map.of(
                "replicator.table.sales.Orders.target-name", " orders_2024 ",
                "replicator.table.sales.Orders.column.Customer.Id.target-name", "customer_id"));

        assertThat(s.targetNames()).containsExactly(Map.entry("sales.Orders", "orders_2024"));
        assertThat(s.columnTargetNames()).containsExactly(Map.entry("sales.Orders", Map.of("Customer.Id", "customer_id")));
    }

    @Test
    void anEmptyTargetNameIsRejectedNamingTheSetting() {
        assertThatThrownBy(() -> ReplicatorSettings.from(key -> Optional.empty(), Map.of("replicator.table.orders.column.id.target-name", " ")))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("replicator.table.orders.column.id.target-name")
                .hasMessageContaining("is empty; give the name the column gets on the target");
    }

    @Test
    void aStarMeansEveryTable() {
        assertThat(settings(Map.of("replicator.tables", "*")).tables()).isEmpty();
    }

    @Test
    void numbersMayUseUnderscoresBetweenDigits() {
        ReplicatorSettings s = settings(Map.of(
                "replicator.chunk-rows", "250_000",
                "replicator.batch-rows", "10_000",
                "replicator.workers", " 8 "));

        assertThat(s.chunkRows()).isEqualTo(250_000L);
        assertThat(s.batchRows()).isEqualTo(10_000);
        assertThat(s.workers()).isEqualTo(8);
    }

    @Test
    void namingIsReadCaseInsensitively() {
        assertThat(settings(Map.of("replicator.naming", "Preserve")).naming()).isEqualTo(Naming.PRESERVE);
        assertThat(settings(Map.of("replicator.naming", "lower")).naming()).isEqualTo(Naming.LOWER);
    }

    @Test
    void settingsThatBoundOneAnotherAreCheckedTogether() {
        assertThat(settings(Map.of("replicator.batch-rows", "500", "replicator.batch-min-rows", "500")).batchMinRows()).isEqualTo(500);
        assertThat(settings(Map.of("replicator.batch-rows", "10")).batchMinRows()).as("the default minimum gives way").isEqualTo(10);
        assertThatThrownBy(() -> settings(Map.of("replicator.batch-rows", "500", "replicator.batch-min-rows", "501")))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("replicator.batch-min-rows=501 is above replicator.batch-rows=500")
                .satisfies(e -> assertThat(((InvalidSettingException) e).property()).isEqualTo("replicator.batch-min-rows"));
        assertThatThrownBy(() -> settings(Map.of("replicator.retry.initial-delay", "60000", "replicator.retry.max-delay", "1000")))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("replicator.retry.initial-delay=60000 is above replicator.retry.max-delay=1000");
        assertThat(StreamSettings.from(key -> Optional.ofNullable(Map.of("replicator.health.max-stream-lag-seconds", "11").get(key))).heartbeatMs())
                .isEqualTo(10_000);
        assertThatThrownBy(() -> StreamSettings.from(key -> Optional.ofNullable(Map.of("replicator.health.max-stream-lag-seconds", "10",
                "replicator.stream.heartbeat-ms", "10000").get(key))))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("replicator.health.max-stream-lag-seconds=10 is not above replicator.stream.heartbeat-ms=10000");
    }

    @Test
    void workersThatAreNotANumberAreRejectedWithPropertyValueAndFix() {
        assertThatThrownBy(() -> settings(Map.of("replicator.workers", "abc")))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("replicator.workers=abc")
                .hasMessageContaining("is not a whole number")
                .hasMessageContaining("Fix it in application.properties or pass --replicator.workers=<value>")
                .satisfies(e -> assertThat(((InvalidSettingException) e).property()).isEqualTo("replicator.workers"));
    }

    @Test
    void zeroWorkersAreRejectedWithPropertyValueAndFix() {
        assertThatThrownBy(() -> settings(Map.of("replicator.workers", "0")))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("replicator.workers=0")
                .hasMessageContaining("must be at least 1")
                .hasMessageContaining("--replicator.workers=<value>");
    }

    @Test
    void workersAboveTheMaximumAreRejectedWithTheMaximum() {
        assertThatThrownBy(() -> settings(Map.of("replicator.workers", "1000")))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("replicator.workers=1000")
                .hasMessageContaining("maximum 256")
                .hasMessageContaining("--replicator.workers=<value>");
    }

    @Test
    void unknownNamingIsRejectedListingTheAllowedValues() {
        assertThatThrownBy(() -> settings(Map.of("replicator.naming", "camel")))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("replicator.naming=camel")
                .hasMessageContaining("is not one of snake, preserve, lower")
                .hasMessageContaining("--replicator.naming=<value>");
    }

    @Test
    void aCronScheduleThatQuartzCannotReadIsRejectedWithItsReason() {
        assertThat(settings(Map.of("replicator.serve.cron", "0 0 2 * * ?")).serveCron()).isEqualTo("0 0 2 * * ?");
        assertThatThrownBy(() -> settings(Map.of("replicator.serve.cron", "0 0 25 * * ?")))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("replicator.serve.cron=0 0 25 * * ?")
                .hasMessageContaining("Hour values must be between 0 and 23");
    }

    @Test
    void ledgerSchemaThatIsNotAPlainIdentifierIsRejectedWithPropertyValueAndFix() {
        assertThatThrownBy(() -> settings(Map.of("replicator.ledger-schema", "bad name")))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("replicator.ledger-schema=bad name")
                .hasMessageContaining("must be a plain identifier (letters, digits, underscore)")
                .hasMessageContaining("--replicator.ledger-schema=<value>");
    }
}
