package org.camelreplicator.support;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** Generated PostgreSQL tables with the kinds of values real tables hold, for copy tests and benchmarks. */
public final class SampleTables {

    private SampleTables() {
    }

    /**
     * {@code items(id bigint primary key, ...)} with {@code rows} rows: text with tabs, newlines,
     * backslashes and non-ASCII letters, NULLs, numerics, floats, booleans, time zones, dates,
     * bytea, arrays, jsonb and uuids.
     */
    public static void createItems(Connection c, String table, long rows) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("""
                    CREATE TABLE %s (
                        id         bigint PRIMARY KEY,
                        code       varchar(20) NOT NULL,
                        name       text,
                        qty        integer,
                        price      numeric(12,2),
                        ratio      double precision,
                        active     boolean NOT NULL DEFAULT true,
                        created_at timestamp with time zone,
                        updated_on date,
                        payload    bytea,
                        tags       text[],
                        attrs      jsonb,
                        ref        uuid
                    )""".formatted(table));
            st.execute("""
                    INSERT INTO %s
                    SELECT g,
                           'C-' || g,
                           CASE WHEN g %% 10 = 0 THEN NULL
                                WHEN g %% 10 = 1 THEN E'tab\\there, newline\\nthere, back\\\\slash'
                                WHEN g %% 10 = 2 THEN 'Zoë Łukasz 渡辺 ' || g
                                ELSE 'item number ' || g END,
                           (g * 7) %% 1000,
                           (g %% 100000) / 100.0,
                           g / 3.0,
                           g %% 2 = 0,
                           timestamptz '2020-01-01 00:00:00+00' + g * interval '1 minute',
                           date '2020-01-01' + (g %% 3000)::int,
                           CASE WHEN g %% 7 = 0 THEN NULL ELSE decode(md5(g::text), 'hex') END,
                           ARRAY['a' || g %% 5, 'b,c', NULL],
                           jsonb_build_object('k', g, 's', 'quote " and tab' || chr(9)),
                           md5(g::text)::uuid
                      FROM generate_series(1, %d) g""".formatted(table, rows));
            st.execute("ANALYZE " + table);
        }
    }
}
