package org.camelreplicator.dialect;

import java.io.IOException;
import java.net.SocketException;
import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import org.camelreplicator.dialect.h2.H2Dialect;
import org.camelreplicator.dialect.mysql.MySqlDialect;
import org.camelreplicator.dialect.postgres.PostgresDialect;
import org.camelreplicator.dialect.sqlite.SqliteDialect;
import org.camelreplicator.dialect.sqlserver.SqlServerDialect;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Transient or permanent, per dialect: the rules that decide whether a chunk is tried again. */
class TransientErrorsTest {

    private final Dialect postgres = new PostgresDialect();
    private final Dialect sqlServer = new SqlServerDialect();
    private final Dialect sqlite = new SqliteDialect();
    private final Dialect h2 = new H2Dialect();

    private static SQLException state(String sqlState) {
        return new SQLException("error " + sqlState, sqlState);
    }

    private static SQLException vendor(int code) {
        return new SQLException("error " + code, "S0001", code);
    }

    @Test
    void connectionFailuresAreTransientEverywhere() {
        for (Dialect d : new Dialect[] {postgres, sqlServer, sqlite, h2}) {
            assertThat(d.isTransient(state("08006"))).as(d.name() + " 08006").isTrue();
            assertThat(d.isTransient(state("08001"))).as(d.name() + " 08001").isTrue();
            assertThat(d.isTransient(new SQLRecoverableException("gone"))).as(d.name()).isTrue();
            assertThat(d.isTransient(new SQLTransientConnectionException("pool timeout"))).as(d.name()).isTrue();
            assertThat(d.isTransient(new RuntimeException("wrapped", new SocketException("Connection reset")))).as(d.name()).isTrue();
            assertThat(d.isTransient(new IllegalStateException(new IOException("Broken pipe")))).as(d.name()).isTrue();
        }
    }

    @Test
    void postgresDeadlockSerializationShutdownLockAndConnectionLimitsAreTransient() {
        for (String s : new String[] {"40P01", "40001", "57P01", "57P02", "57P03", "53300", "55P03"}) {
            assertThat(postgres.isTransient(state(s))).as(s).isTrue();
        }
    }

    @Test
    void dataAndConstraintErrorsArePermanent() {
        for (String s : new String[] {"22003", "22001", "23505", "23514", "22P02", "42P01", "42501", "28P01", "3D000"}) {
            assertThat(postgres.isTransient(state(s))).as(s).isFalse();
            assertThat(sqlServer.isTransient(state(s))).as(s).isFalse();
        }
        assertThat(postgres.isTransient(new IllegalArgumentException("bad value"))).isFalse();
    }

    @Test
    void sqlServerDeadlockLockTimeoutAndAzureReconfigurationAreTransientByErrorNumber() {
        for (int code : new int[] {1205, 1222, 40613, 40197, 40501, 49918, 10928, 4221, 10054}) {
            assertThat(sqlServer.isTransient(vendor(code))).as("SQL Server %d", code).isTrue();
        }
        for (int code : new int[] {2627, 547, 8152, 245, 18456}) {
            assertThat(sqlServer.isTransient(vendor(code))).as("SQL Server %d is permanent", code).isFalse();
        }
        assertThat(postgres.isTransient(vendor(1205))).as("1205 means nothing to PostgreSQL").isFalse();
    }

    @Test
    void mysqlDeadlockLockWaitTimeoutTooManyConnectionsAndLostConnectionAreTransientByErrorNumber() {
        Dialect mysql = new MySqlDialect("MariaDB");
        for (int code : new int[] {1213, 1205, 1040, 2006, 2013}) {
            assertThat(mysql.isTransient(new SQLException("error " + code, "HY000", code))).as("MySQL %d", code).isTrue();
        }
        for (int code : new int[] {1062, 1264, 1406, 1452, 1045}) {
            assertThat(mysql.isTransient(new SQLException("error " + code, "23000", code))).as("MySQL %d is permanent", code).isFalse();
        }
    }

    @Test
    void sqliteBusyAndLockedAreTransient() {
        assertThat(sqlite.isTransient(new SQLException("[SQLITE_BUSY] database is locked", null, 5))).isTrue();
        assertThat(sqlite.isTransient(new SQLException("[SQLITE_LOCKED]", null, 6))).isTrue();
        assertThat(sqlite.isTransient(new SQLException("[SQLITE_CONSTRAINT]", null, 19))).isFalse();
    }

    @Test
    void aTransientErrorDeepInTheCauseChainOrInTheNextExceptionsCounts() {
        SQLException deadlock = state("40P01");
        assertThat(postgres.isTransient(new IllegalStateException("chunk", new RuntimeException("split", deadlock)))).isTrue();
        BatchUpdateException batch = new BatchUpdateException("batch failed", "S1000", 0, new int[0]);
        batch.setNextException(vendor(1205));
        assertThat(sqlServer.isTransient(batch)).isTrue();
    }

    @Test
    void aCycleOfCausesEnds() {
        RuntimeException a = new RuntimeException("a");
        RuntimeException b = new RuntimeException("b", a);
        a.initCause(b);
        assertThat(postgres.isTransient(a)).isFalse();
    }
}
