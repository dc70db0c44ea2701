package org.camelreplicator.schema;

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
 * replicator.table.<t>.partition-by=<column>:month, PostgreSQL to PostgreSQL: the target table is a
 * declarative partitioned table with a partition per month of the source and DEFAULT, each month's
 * chunk is COPYed into its partition itself, keys, indexes and foreign keys are built over it after
 * the data, and sync upserts across the partitions, creating the partition of a month that is new.
 */
class PartitionedTargetTest {

    /** The source's rows per month, named as the target's partitions are. */
    private static final String SOURCE_MONTHS = "SELECT 'readings_y' || to_char(taken_on, 'YYYY') || 'm' || to_char(taken_on, 'MM'), COUNT(*)"
            + " FROM readings GROUP BY 1 ORDER BY 1";
    /** The target's rows per partition: where each row is stored. */
    private static final String TARGET_PARTITIONS = "SELECT tableoid::regclass::text, COUNT(*) FROM readings GROUP BY 1 ORDER BY 1";

    @TempDir
    Path dir;

    private static void createSource(String source) throws Exception {
        TestPostgres.execute(source,
                "CREATE TABLE sensors (id int PRIMARY KEY, name text NOT NULL)",
                "INSERT INTO sensors SELECT g, 'sensor ' || g FROM generate_series(1, 20) g",
                "CREATE TABLE readings (id bigint NOT NULL, taken_on date NOT NULL, sensor_id int NOT NULL REFERENCES sensors (id),"
                        + " value numeric(10,2), updated_at timestamp NOT NULL DEFAULT localtimestamp - interval '1 day',"
                        + " PRIMARY KEY (id, taken_on))",
                "CREATE INDEX readings_sensor ON readings (sensor_id)",
                "CREATE UNIQUE INDEX readings_sensor_id ON readings (sensor_id, id)",
                // three years, 2021-01 to 2023-12: every month holds rows
                "INSERT INTO readings (id, taken_on, sensor_id, value) SELECT g, date '2021-01-01' + (g * 7) % 1095, 1 + g % 20,"
                        + " (g % 1000) / 10.0 FROM generate_series(1, 6000) g",
                "CREATE TABLE reading_flags (id int PRIMARY KEY, reading_id bigint NOT NULL, reading_on date NOT NULL, flag text,"
                        + " FOREIGN KEY (reading_id, reading_on) REFERENCES readings (id, taken_on))",
                "INSERT INTO reading_flags SELECT r.id, r.id, r.taken_on, 'checked' FROM readings r WHERE r.id % 50 = 0");
    }

    @Test
    void aMultiYearTableIsLoadedMonthByMonthIntoItsPartitionsAndSyncedAcrossThem() throws Exception {
        String source = TestPostgres.newDatabase("partition_source");
        String target = TestPostgres.newDatabase("partition_target");
        createSource(source);
        Replicator replicator = Replicator.between(source, "postgres", target, dir)
                .with("--replicator.table.readings.partition-by=taken_on:month", "--replicator.sync.watermark=updated_at",
                        "--replicator.table.readings.sync.deletes=reconcile", "--replicator.sync.overlap-seconds=0");

        Replicator.Result plan = replicator.run("load", "--dry-run");
        assertThat(plan.exitCode()).as(plan.all()).isZero();
        assertThat(plan.out()).contains("partitioned by month of taken_on (replicator.table.readings.partition-by): 37 partitions,"
                        + " readings_y2021m01 (2021-01), readings_y2021m02 (2021-02),",
                "readings_y2023m12 (2023-12), readings_default (DEFAULT); each chunk is written into its partition",
                "chunk 1/36: taken_on in 2021-01 -> readings_y2021m01", "chunk 36/36: taken_on in 2023-12 -> readings_y2023m12",
                ") PARTITION BY RANGE (taken_on);",
                "CREATE TABLE IF NOT EXISTS public.readings_default PARTITION OF public.readings DEFAULT;");

        // the tables first, so a statement trigger on the parent can tell whether a COPY went through it
        assertThat(replicator.run("schema").exitCode()).isZero();
        TestPostgres.execute(target, "CREATE TABLE through_parent (n int)",
                "CREATE FUNCTION count_parent() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO through_parent VALUES (1);"
                        + " RETURN NULL; END $$",
                "CREATE TRIGGER count_parent BEFORE INSERT ON readings FOR EACH STATEMENT EXECUTE FUNCTION count_parent()");

        Replicator.Result load = replicator.run("load");

        assertThat(load.exitCode()).as(load.all()).isZero();
        try (Connection s = TestPostgres.connect(source); Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.text(t, "SELECT relkind::text FROM pg_class WHERE relname = 'readings'")).isEqualTo("p");
            assertThat(Tables.single(t, "SELECT COUNT(*) FROM pg_inherits WHERE inhparent = 'readings'::regclass")).isEqualTo(37);
            assertThat(Tables.text(t, "SELECT pg_get_expr(c.relpartbound, c.oid) FROM pg_class c WHERE c.relname = 'readings_y2022m02'"))
                    .isEqualTo("FOR VALUES FROM ('2022-02-01') TO ('2022-03-01')");
            List<List<String>> months = Tables.rows(s, SOURCE_MONTHS);
            assertThat(months).hasSize(36);
            assertThat(Tables.rows(t, TARGET_PARTITIONS)).as("each partition holds its month's rows").isEqualTo(months);
            assertThat(Tables.contentHash(t, "readings", "id")).isEqualTo(Tables.contentHash(s, "readings", "id"));
            assertThat(Tables.count(t, "through_parent")).as("no chunk was written through the parent's routing").isZero();
            // after the data: the key (with the partition column), the index, the foreign keys from and to the partitioned table
            assertThat(Tables.text(t, "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'readings'::regclass"
                    + " AND contype = 'p'")).isEqualTo("PRIMARY KEY (id, taken_on)");
            assertThat(Tables.single(t, "SELECT COUNT(*) FROM pg_indexes WHERE tablename = 'readings' AND indexname = 'readings_sensor_id_idx'"))
                    .isEqualTo(1);
            assertThat(Tables.single(t, "SELECT COUNT(*) FROM pg_indexes WHERE tablename = 'readings' AND indexdef LIKE 'CREATE UNIQUE%(sensor_id, id)'"))
                    .as("a unique index without the partition column cannot be built on a partitioned table").isZero();
            assertThat(Tables.single(t, "SELECT COUNT(*) FROM pg_constraint WHERE contype = 'f' AND conparentid = 0"
                    + " AND conname IN ('readings_sensor_id_fkey', 'reading_flags_reading_id_reading_on_fkey')")).isEqualTo(2);
        }
        assertThat(load.all()).contains("readings_sensor_id", "unique without the partition column taken_on");

        // a new month (2024-02, no partition yet), updates in two months, deletes
        TestPostgres.execute(source,
                "INSERT INTO readings (id, taken_on, sensor_id, value, updated_at) SELECT g, date '2024-02-01' + g % 29, 1, 1.5, localtimestamp"
                        + " FROM generate_series(7001, 7100) g",
                "UPDATE readings SET value = -1, updated_at = localtimestamp WHERE id BETWEEN 100 AND 160",
                // rows no flag references (reading_flags has no watermark: sync leaves it as loaded)
                "DELETE FROM readings WHERE id BETWEEN 1001 AND 1049");

        Replicator.Result sync = replicator.run("sync");

        assertThat(sync.exitCode()).as(sync.all()).isZero();
        assertThat(sync.out()).contains("Rows deleted (gone from the source): 49");
        try (Connection s = TestPostgres.connect(source); Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.text(t, "SELECT pg_get_expr(c.relpartbound, c.oid) FROM pg_class c WHERE c.relname = 'readings_y2024m02'"))
                    .as("sync created the new month's partition").isEqualTo("FOR VALUES FROM ('2024-02-01') TO ('2024-03-01')");
            assertThat(Tables.count(t, "readings_y2024m02")).isEqualTo(100);
            assertThat(Tables.count(t, "readings_default")).isZero();
            assertThat(Tables.rows(t, TARGET_PARTITIONS)).isEqualTo(Tables.rows(s, SOURCE_MONTHS));
            assertThat(Tables.contentHash(t, "readings", "id")).isEqualTo(Tables.contentHash(s, "readings", "id"));
        }
    }

    @Test
    void aKeyWithoutThePartitionColumnAndOtherUnusableSettingsAreRefusedBeforeAnythingIsWritten() throws Exception {
        String source = TestPostgres.newDatabase("partition_refused_source");
        String target = TestPostgres.newDatabase("partition_refused_target");
        TestPostgres.execute(source,
                "CREATE TABLE orders (id int PRIMARY KEY, ordered_on date NOT NULL, placed_at timestamptz, code text)",
                "INSERT INTO orders SELECT g, date '2024-01-01' + g, now(), 'c' || g FROM generate_series(1, 10) g");
        Replicator replicator = Replicator.between(source, "postgres", target, dir);

        Replicator.Result key = replicator.run("load", "--replicator.table.orders.partition-by=ordered_on:month");
        assertThat(key.exitCode()).as(key.all()).isEqualTo(2);
        assertThat(key.all()).contains("Table public.orders cannot be partitioned by ordered_on (replicator.table.orders.partition-by):"
                + " its primary key (id) does not include ordered_on, and PostgreSQL requires a partitioned table's primary key"
                + " (and every unique constraint) to include the partition column.");

        Replicator.Result zone = replicator.run("load", "--replicator.table.orders.partition-by=placed_at:month");
        assertThat(zone.exitCode()).isEqualTo(2);
        assertThat(zone.all()).contains("replicator.table.orders.partition-by", "a timestamp with a time zone");

        Replicator.Result text = replicator.run("load", "--replicator.table.orders.partition-by=code:month");
        assertThat(text.exitCode()).isEqualTo(2);
        assertThat(text.all()).contains("replicator.table.orders.partition-by", "not a date or timestamp");

        Replicator.Result form = replicator.run("load", "--replicator.table.orders.partition-by=ordered_on");
        assertThat(form.exitCode()).isEqualTo(2);
        assertThat(form.all()).contains("replicator.table.orders.partition-by", "is not <column>:month");

        Replicator.Result h2 = Replicator.between(source, "postgres", "jdbc:h2:file:" + dir.resolve("h2target"), dir)
                .run("load", "--replicator.table.orders.partition-by=ordered_on:month", "--replicator.tables=orders");
        assertThat(h2.exitCode()).as(h2.all()).isEqualTo(2);
        assertThat(h2.all()).contains("replicator.table.orders.partition-by: partitioned target tables are PostgreSQL's"
                + " (PARTITION BY RANGE), and the target is H2");

        try (Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.single(t, "SELECT COUNT(*) FROM pg_class WHERE relname = 'orders'")).as("nothing was written").isZero();
        }
    }
}
