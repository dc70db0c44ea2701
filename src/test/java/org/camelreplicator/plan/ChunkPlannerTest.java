package org.camelreplicator.plan;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.camelreplicator.dialect.CatalogReader;
import org.camelreplicator.catalog.TableSpec;
import org.camelreplicator.dialect.h2.H2Dialect;
import org.camelreplicator.plan.KeyRange.IntegerRange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ChunkPlannerTest {

    private static final AtomicInteger DATABASES = new AtomicInteger();

    // ---- integerRanges: pure arithmetic

    @Test
    void rangesCoverEveryKeyExactlyOnce() {
        for (long chunkRows : new long[] {1, 2, 3, 7, 50}) {
            ChunkPlanner planner = new ChunkPlanner(chunkRows);
            for (long min : new long[] {-17, -1, 0, 1, 1000}) {
                for (long span = 1; span <= 40; span++) {
                    long max = min + span - 1;
                    for (long rows = 1; rows <= span + 3; rows++) {
                        List<KeyRange> ranges = planner.integerRanges("id", min, max, rows);
                        String plan = "chunkRows=" + chunkRows + " min=" + min + " max=" + max + " rows=" + rows + " -> " + ranges;
                        for (long key = min - 5; key <= max + 5; key++) {
                            assertThat(rangesHolding(ranges, key)).as("key %d in %s", key, plan).isEqualTo(1);
                        }
                        assertThat(ranges).as(plan).hasSizeBetween(1, (int) ((rows + chunkRows - 1) / chunkRows));
                    }
                }
            }
        }
    }

    @Test
    void firstAndLastRangesAreOpenEnded() {
        List<KeyRange> ranges = new ChunkPlanner(10).integerRanges("id", 1, 100, 100);

        assertThat(((IntegerRange) ranges.get(0)).from()).isNull();
        assertThat(((IntegerRange) ranges.get(ranges.size() - 1)).to()).isNull();
        assertThat(ranges).allSatisfy(r -> assertThat(((IntegerRange) r).column()).isEqualTo("id"));
    }

    @Test
    void rangeCountFollowsRowsPerChunk() {
        ChunkPlanner planner = new ChunkPlanner(100);

        assertThat(planner.integerRanges("id", 1, 1000, 1000)).hasSize(10);
        assertThat(planner.integerRanges("id", 1, 1001, 1001)).hasSize(11);
        assertThat(planner.integerRanges("id", 1, 100, 100)).hasSize(1);
        assertThat(planner.integerRanges("id", 1, 101, 101)).hasSize(2);
    }

    @Test
    void sparseKeysGetRangesByRowCountNotByKeySpan() {
        List<KeyRange> ranges = new ChunkPlanner(100).integerRanges("id", 1, 1_000_000, 1000);

        assertThat(ranges).hasSize(10);
        assertThat(ranges.get(0)).isEqualTo(new IntegerRange("id", null, 100_001L));
        assertThat(ranges.get(1)).isEqualTo(new IntegerRange("id", 100_001L, 200_001L));
        assertThat(ranges.get(9)).isEqualTo(new IntegerRange("id", 900_001L, null));
    }

    @Test
    void equalMinAndMaxGiveOneOpenRange() {
        List<KeyRange> ranges = new ChunkPlanner(1).integerRanges("id", 42, 42, 1);

        assertThat(ranges).containsExactly(new IntegerRange("id", null, null));
    }

    @Test
    void fewerRowsThanOneChunkGiveOneOpenRange() {
        assertThat(new ChunkPlanner(250_000).integerRanges("id", 1, 10_000_000, 3))
                .containsExactly(new IntegerRange("id", null, null));
    }

    @Test
    void fullLongKeySpanDoesNotOverflow() {
        List<KeyRange> ranges = new ChunkPlanner(1).integerRanges("id", Long.MIN_VALUE, Long.MAX_VALUE, 10);

        assertThat(ranges).hasSize(10);
        assertBoundsIncrease(ranges);
        for (long key : new long[] {Long.MIN_VALUE, Long.MIN_VALUE + 1, -1, 0, 1, Long.MAX_VALUE - 1, Long.MAX_VALUE}) {
            assertThat(rangesHolding(ranges, key)).as("key %d in %s", key, ranges).isEqualTo(1);
        }
    }

    @Test
    void keysAtTheBottomOfTheLongRangeDoNotOverflow() {
        for (long rows = 1; rows <= 10; rows++) {
            List<KeyRange> ranges = new ChunkPlanner(1).integerRanges("id", Long.MIN_VALUE, Long.MIN_VALUE + 9, rows);

            assertBoundsIncrease(ranges);
            for (long key = Long.MIN_VALUE; key <= Long.MIN_VALUE + 14; key++) {
                assertThat(rangesHolding(ranges, key)).as("rows=%d key %d in %s", rows, key, ranges).isEqualTo(1);
            }
        }
    }

    // ---- plan: against a real H2 database

    @Test
    void integerKeyTableIsSplitIntoRangesThatTogetherHoldEveryRow() throws SQLException {
        H2Dialect dialect = new H2Dialect();
        try (Connection c = h2()) {
            execute(c, "CREATE TABLE ALBUM (ALBUM_ID INTEGER PRIMARY KEY, TITLE VARCHAR(100) NOT NULL)");
            execute(c, "INSERT INTO ALBUM SELECT X, 'Album ' || X FROM SYSTEM_RANGE(1, 1000)");

            List<KeyRange> ranges = new ChunkPlanner(300).plan(c, dialect, table(c, dialect, "ALBUM"), null);

            assertThat(ranges).containsExactly(
                    new IntegerRange("ALBUM_ID", null, 251L),
                    new IntegerRange("ALBUM_ID", 251L, 501L),
                    new IntegerRange("ALBUM_ID", 501L, 751L),
                    new IntegerRange("ALBUM_ID", 751L, null));
            List<Long> counts = new ArrayList<>();
            for (KeyRange range : ranges) {
                counts.add(count(c, "SELECT COUNT(*) FROM ALBUM WHERE " + range.condition(dialect::quote, dialect::literal)));
            }
            assertThat(counts).containsExactly(250L, 250L, 250L, 250L);
        }
    }

    @Test
    void theEnginesRowEstimateSetsHowManyChunksAndAWrongOneStillLeavesNoRowOut() throws SQLException {
        H2Dialect dialect = new H2Dialect();
        try (Connection c = h2()) {
            execute(c, "CREATE TABLE ALBUM (ALBUM_ID INTEGER PRIMARY KEY, TITLE VARCHAR(100) NOT NULL)");
            execute(c, "INSERT INTO ALBUM SELECT X, 'Album ' || X FROM SYSTEM_RANGE(1, 1000)");
            TableSpec album = table(c, dialect, "ALBUM");

            // a little above a multiple of chunk-rows, as an ANALYZE extrapolates: no sliver of a chunk is added
            assertThat(new ChunkPlanner(100).plan(c, dialect, album.withEstimatedRows(1_004), null)).hasSize(10);
            // a stale estimate, far below the rows there are: fewer, bigger chunks, every row in one of them
            List<KeyRange> ranges = new ChunkPlanner(100).plan(c, dialect, album.withEstimatedRows(300), null);
            assertThat(ranges).hasSize(3);
            long rows = 0;
            for (KeyRange range : ranges) {
                rows += count(c, "SELECT COUNT(*) FROM ALBUM WHERE " + range.condition(dialect::quote, dialect::literal));
            }
            assertThat(rows).isEqualTo(1000);
        }
    }

    @Test
    void varcharKeyTableIsSplitAtKeysetBoundariesThatHoldEveryRowOnce() throws SQLException {
        H2Dialect dialect = new H2Dialect();
        try (Connection c = h2()) {
            execute(c, "CREATE TABLE CUSTOMER (CODE VARCHAR(10) PRIMARY KEY, NAME VARCHAR(100))");
            execute(c, "INSERT INTO CUSTOMER SELECT 'C' || X, 'Customer ' || X FROM SYSTEM_RANGE(1, 50)");

            List<KeyRange> ranges = new ChunkPlanner(10).plan(c, dialect, table(c, dialect, "CUSTOMER"), null);

            assertThat(ranges).hasSize(6).allMatch(r -> r instanceof KeyRange.KeysetRange);
            assertEveryRowInExactlyOneChunk(c, dialect, "CUSTOMER", "CAST(SUBSTRING(CODE, 2) AS BIGINT)", ranges, 50);
        }
    }

    @Test
    void compositeKeyTableIsSplitAtTupleBoundariesThatHoldEveryRowOnce() throws SQLException {
        H2Dialect dialect = new H2Dialect();
        try (Connection c = h2()) {
            execute(c, "CREATE TABLE PLAYLIST_TRACK (PLAYLIST_ID INTEGER, TRACK_ID INTEGER, PRIMARY KEY (PLAYLIST_ID, TRACK_ID))");
            execute(c, "INSERT INTO PLAYLIST_TRACK SELECT X / 10, X FROM SYSTEM_RANGE(1, 50)");

            List<KeyRange> ranges = new ChunkPlanner(7).plan(c, dialect, table(c, dialect, "PLAYLIST_TRACK"), null);

            assertThat(ranges).hasSizeGreaterThan(5).allMatch(r -> r instanceof KeyRange.KeysetRange);
            assertThat(ranges.get(1).describe()).matches("PLAYLIST_ID, TRACK_ID in \\[\\(\\d+, \\d+\\), \\(\\d+, \\d+\\)\\)");
            assertEveryRowInExactlyOneChunk(c, dialect, "PLAYLIST_TRACK", "PLAYLIST_ID * 1000 + TRACK_ID", ranges, 50);
        }
    }

    @Test
    void aKeyedTableNoLargerThanOneChunkIsOneChunk() throws SQLException {
        H2Dialect dialect = new H2Dialect();
        try (Connection c = h2()) {
            execute(c, "CREATE TABLE SMALL (CODE VARCHAR(10) PRIMARY KEY)");
            execute(c, "INSERT INTO SMALL SELECT 'K' || X FROM SYSTEM_RANGE(1, 10)");

            assertThat(new ChunkPlanner(10).plan(c, dialect, table(c, dialect, "SMALL"), null))
                    .containsExactly(new KeyRange.WholeTable());
        }
    }

    @Test
    void aDateColumnIsSplitByCalendarMonthWithNullsInAChunkOfTheirOwn() throws SQLException {
        H2Dialect dialect = new H2Dialect();
        try (Connection c = h2()) {
            execute(c, "CREATE TABLE ORDERS (ID INTEGER PRIMARY KEY, CREATED_AT TIMESTAMP)");
            execute(c, "INSERT INTO ORDERS SELECT X, CASE WHEN MOD(X, 10) = 0 THEN NULL"
                    + " ELSE DATEADD('DAY', X, TIMESTAMP '2024-01-01 12:00:00') END FROM SYSTEM_RANGE(1, 100)");

            List<KeyRange> ranges = new ChunkPlanner(1000).plan(c, dialect, table(c, dialect, "ORDERS"),
                    new MonthSplit("CREATED_AT", null, null));

            assertThat(ranges.stream().map(KeyRange::describe)).containsExactly(
                    "CREATED_AT in [-inf, 2024-02)", "CREATED_AT in 2024-02", "CREATED_AT in 2024-03",
                    "CREATED_AT in [2024-04, +inf)", "CREATED_AT is null");
            assertEveryRowInExactlyOneChunk(c, dialect, "ORDERS", "ID", ranges, 100);
        }
    }

    @Test
    void aMonthSplitBoundedByFromAndToCopiesExactlyThoseMonths() throws SQLException {
        H2Dialect dialect = new H2Dialect();
        try (Connection c = h2()) {
            execute(c, "CREATE TABLE SALES (ID INTEGER PRIMARY KEY, SOLD_ON DATE NOT NULL)");
            execute(c, "INSERT INTO SALES SELECT X, DATEADD('DAY', X, DATE '2023-12-31') FROM SYSTEM_RANGE(1, 366)");

            List<KeyRange> ranges = new ChunkPlanner(1000).plan(c, dialect, table(c, dialect, "SALES"),
                    new MonthSplit("SOLD_ON", java.time.YearMonth.of(2024, 1), java.time.YearMonth.of(2024, 3)));

            assertThat(ranges.stream().map(KeyRange::describe))
                    .containsExactly("SOLD_ON in 2024-01", "SOLD_ON in 2024-02", "SOLD_ON in 2024-03");
            long rows = 0;
            for (KeyRange range : ranges) {
                rows += count(c, "SELECT COUNT(*) FROM SALES WHERE " + range.condition(dialect::quote, dialect::literal));
            }
            assertThat(rows).isEqualTo(31 + 29 + 31);
        }
    }

    @Test
    void emptyTableWithIntegerKeyIsOneRangeWithoutBounds() throws SQLException {
        H2Dialect dialect = new H2Dialect();
        try (Connection c = h2()) {
            execute(c, "CREATE TABLE EMPTY_ONE (ID BIGINT PRIMARY KEY, NOTE VARCHAR(20))");

            List<KeyRange> ranges = new ChunkPlanner(10).plan(c, dialect, table(c, dialect, "EMPTY_ONE"), null);

            assertThat(ranges).containsExactly(new IntegerRange("ID", null, null));
            assertThat(ranges.get(0).condition(dialect::quote, dialect::literal)).isEmpty();
        }
    }

    // ---- helpers

    /** Runs every range's condition with bound parameters and checks each row is in exactly one. */
    private static void assertEveryRowInExactlyOneChunk(Connection c, H2Dialect dialect, String table, String rowId,
                                                         List<KeyRange> ranges, long rows) throws SQLException {
        java.util.Map<Long, Integer> seen = new java.util.HashMap<>();
        for (KeyRange range : ranges) {
            String where = range.condition(dialect::quote, v -> "?");
            try (java.sql.PreparedStatement ps = c.prepareStatement("SELECT " + rowId + " FROM " + table
                    + (where.isEmpty() ? "" : " WHERE " + where))) {
                List<Object> params = range.parameters();
                for (int i = 0; i < params.size(); i++) {
                    ps.setObject(i + 1, params.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        seen.merge(rs.getLong(1), 1, Integer::sum);
                    }
                }
            }
        }
        assertThat(seen).hasSize((int) rows);
        assertThat(seen.values()).allMatch(n -> n == 1);
    }

    private static int rangesHolding(List<KeyRange> ranges, long key) {
        int holding = 0;
        for (KeyRange r : ranges) {
            IntegerRange range = (IntegerRange) r;
            if ((range.from() == null || key >= range.from()) && (range.to() == null || key < range.to())) {
                holding++;
            }
        }
        return holding;
    }

    private static void assertBoundsIncrease(List<KeyRange> ranges) {
        for (int i = 1; i < ranges.size(); i++) {
            IntegerRange before = (IntegerRange) ranges.get(i - 1);
            IntegerRange after = (IntegerRange) ranges.get(i);
            assertThat(after.from()).as("range %d of %s", i, ranges).isEqualTo(before.to());
            if (after.to() != null) {
                assertThat(after.to()).as("range %d of %s", i, ranges).isGreaterThan(after.from());
            }
        }
    }

    private static Connection h2() throws SQLException {
        return DriverManager.getConnection("jdbc:h2:mem:chunk_planner_" + DATABASES.incrementAndGet());
    }

    private static TableSpec table(Connection c, H2Dialect dialect, String name) throws SQLException {
        return new CatalogReader(dialect).readTables(c, "PUBLIC").stream()
                .filter(t -> t.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("table " + name + " not in catalog"));
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void rangesNearTheLargestKeyDoNotOverflow() {
        for (long rows = 1; rows <= 12; rows++) {
            List<KeyRange> ranges = new ChunkPlanner(1).integerRanges("id", Long.MAX_VALUE - 9, Long.MAX_VALUE, rows);
            assertThat(ranges).as("rows=%d", rows).isNotEmpty();
            assertThat(((KeyRange.IntegerRange) ranges.get(0)).from()).isNull();
            assertThat(((KeyRange.IntegerRange) ranges.get(ranges.size() - 1)).to()).isNull();
        }
    }
}
