package org.camelreplicator.observe;

import java.io.IOException;
import java.sql.SQLException;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ErrorsTest {

    @Test
    void describesOuterMessageRootCauseAndSqlState() {
        SQLException root = new SQLException("duplicate key value violates unique constraint \"album_pkey\"", "23505");
        Exception error = new IllegalStateException("Copying public.album chunk 3/8 failed",
                new RuntimeException("batch aborted", root));

        assertThat(Errors.describe(error)).isEqualTo("Copying public.album chunk 3/8 failed"
                + " (cause: duplicate key value violates unique constraint \"album_pkey\") [SQLState 23505]");
    }

    @Test
    void theWrapperOfASplitThatStoppedIsLeftOut() {
        SQLException root = new SQLException("new row violates check constraint \"no_refunds\"", "23514");
        Exception error = new org.apache.camel.CamelExchangeException("Multicast processing failed for number 4", null,
                new IllegalStateException("Upserting the changed rows of public.orders failed", root));

        assertThat(Errors.describe(error)).isEqualTo("Upserting the changed rows of public.orders failed"
                + " (cause: new row violates check constraint \"no_refunds\") [SQLState 23514]");
    }

    @Test
    void theWrapperOfARequestAnsweredByAnExceptionIsLeftOut() {
        SQLException root = new SQLException("ERROR: permission denied for schema public", "42501");
        Exception error = new org.apache.camel.CamelExecutionException("Exception occurred during execution on the exchange", null, root);

        assertThat(Errors.describe(error)).isEqualTo("ERROR: permission denied for schema public [SQLState 42501]");
    }

    @Test
    void aStatementPositionIsLeftOutTheStatementIsNotShown() {
        SQLException e = new SQLException("ERROR: permission denied for schema public\n  Position: 28", "42501");

        assertThat(Errors.describe(e)).isEqualTo("ERROR: permission denied for schema public [SQLState 42501]");
    }

    @Test
    void aRefusalEndsWithTheGrantsThatLiftIt() {
        assertThat(Errors.withGrants("ERROR: permission denied for table genre [SQLState 42501]",
                java.util.List.of("GRANT INSERT ON TABLE public.genre TO etl", "GRANT CREATE ON SCHEMA public TO etl")))
                .isEqualTo("ERROR: permission denied for table genre [SQLState 42501]. As a superuser or the object's owner, run:"
                        + " GRANT INSERT ON TABLE public.genre TO etl; GRANT CREATE ON SCHEMA public TO etl");
        assertThat(Errors.withGrants("no table named album", java.util.List.of())).isEqualTo("no table named album");
    }

    @Test
    void aLoneExceptionIsDescribedByItsMessage() {
        assertThat(Errors.describe(new IllegalArgumentException("  no table named album  ")))
                .isEqualTo("no table named album");
    }

    @Test
    void aRootCauseAlreadyInTheMessageIsNotRepeated() {
        IOException root = new IOException("Connection reset");
        Exception error = new RuntimeException("Reading chunk 2 failed: Connection reset", root);

        assertThat(Errors.describe(error)).isEqualTo("Reading chunk 2 failed: Connection reset");
    }

    @Test
    void aWrapperWithoutItsOwnMessageShowsTheCauseOnce() {
        Exception error = new RuntimeException(new SQLException("relation \"album\" does not exist", "42P01"));

        assertThat(Errors.describe(error))
                .isEqualTo("java.sql.SQLException: relation \"album\" does not exist [SQLState 42P01]");
    }

    @Test
    void theOutermostSqlStateIsReported() {
        SQLException inner = new SQLException("connection refused", "08001");
        SQLException outer = new SQLException("could not open the source", "08006", inner);

        assertThat(Errors.describe(outer))
                .isEqualTo("could not open the source (cause: connection refused) [SQLState 08006]");
    }

    @Test
    void aSqlStateAlreadyInTheMessageIsNotRepeated() {
        SQLException error = new SQLException("ERROR 23505: duplicate key", "23505");

        assertThat(Errors.describe(error)).isEqualTo("ERROR 23505: duplicate key");
    }

    @Test
    void anExceptionWithoutMessageIsNamedByItsClass() {
        assertThat(Errors.describe(new NullPointerException())).isEqualTo("NullPointerException");
    }

    @Test
    void aRootCauseWithoutMessageAddsNothing() {
        assertThat(Errors.describe(new RuntimeException("Writing batch failed", new IllegalStateException())))
                .isEqualTo("Writing batch failed");
    }

    @Test
    void nullDescribesAsNull() {
        assertThat(Errors.describe(null)).isNull();
    }

    @Test
    void aCycleOfCausesEnds() {
        RuntimeException a = new RuntimeException("a");
        RuntimeException b = new RuntimeException("b", a);
        a.initCause(b);
        assertThat(Errors.describe(a)).startsWith("a");
    }

    @Test
    void driverDetailLinesStayOnOneLine() {
        java.sql.SQLException e = new java.sql.SQLException("ERROR: duplicate key\n  Detail: Key (id)=(1) already exists.", "23505");
        assertThat(Errors.describe(e)).isEqualTo("ERROR: duplicate key; Detail: Key (id)=(1) already exists. [SQLState 23505]");
    }
}
