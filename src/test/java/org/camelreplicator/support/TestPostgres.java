package org.camelreplicator.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * One real PostgreSQL server for the whole test JVM, started from the same Maven-shipped binaries
 * the product's embedded target uses. Each test takes fresh databases from it, so tests never see
 * each other's tables.
 */
public final class TestPostgres {

    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static EmbeddedPostgres server;

    private TestPostgres() {
    }

    public static synchronized EmbeddedPostgres server() {
        if (server == null) {
            try {
                // logical decoding for the stream tests (a publication and a slot per test source); costs a little WAL
                server = EmbeddedPostgres.builder().setServerConfig("wal_level", "logical")
                        .setServerConfig("max_replication_slots", "20").setServerConfig("max_wal_senders", "20").start();
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot start the test PostgreSQL", e);
            }
        }
        return server;
    }

    /** Creates an empty database and answers its JDBC URL (user postgres, no password). */
    public static String newDatabase(String prefix) {
        String name = prefix + "_" + DATABASES.incrementAndGet();
        try (Connection c = admin(); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create test database " + name, e);
        }
        return url(name);
    }

    public static String url(String database) {
        return "jdbc:postgresql://localhost:" + server().getPort() + "/" + database;
    }

    public static int port() {
        return server().getPort();
    }

    public static Connection connect(String url) throws SQLException {
        return DriverManager.getConnection(url, "postgres", "");
    }

    /** Runs statements on a database of the test server, in order, each committed. */
    public static void execute(String url, String... statements) throws SQLException {
        try (Connection c = connect(url); Statement st = c.createStatement()) {
            for (String sql : statements) {
                st.execute(sql);
            }
        }
    }

    private static Connection admin() throws SQLException {
        return connect(url("postgres"));
    }

    /**
     * A login role that must give its password: the test server trusts everyone else, so this
     * role's lines go first in pg_hba.conf.
     */
    public static synchronized void passwordRole(String role, String password) {
        try (Connection c = admin(); Statement st = c.createStatement()) {
            st.execute("CREATE ROLE " + role + " LOGIN PASSWORD '" + password + "'");
            java.nio.file.Path hba;
            try (java.sql.ResultSet rs = st.executeQuery("SHOW hba_file")) {
                rs.next();
                hba = java.nio.file.Path.of(rs.getString(1));
            }
            String lines = "host all " + role + " 127.0.0.1/32 scram-sha-256\nhost all " + role + " ::1/128 scram-sha-256\n";
            java.nio.file.Files.writeString(hba, lines + java.nio.file.Files.readString(hba));
            st.execute("SELECT pg_reload_conf()");
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("Cannot create password role " + role, e);
        }
        // the server reloads its configuration on its own time: wait until it asks for the password
        // (the URL is read here: Awaitility polls on another thread, and server() holds this class's lock)
        String url = url("postgres");
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> {
            try (Connection c = DriverManager.getConnection(url, role, "not-" + password)) {
                return false;
            } catch (SQLException refused) {
                return "28P01".equals(refused.getSQLState());
            }
        });
    }

    /** A login role without privileges beyond connecting. */
    public static void plainRole(String role) {
        try (Connection c = admin(); Statement st = c.createStatement()) {
            st.execute("CREATE ROLE " + role + " LOGIN");
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create role " + role, e);
        }
    }
}
