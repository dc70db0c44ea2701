package org.camelreplicator.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** The Chinook sample database of ../shared/datasets, in its dialects. */
public final class Chinook {

    public static final Path DIR = Path.of("..", "shared", "datasets", "chinook").toAbsolutePath().normalize();

    private Chinook() {
    }

    public static Path sqlite() {
        return DIR.resolve("Chinook_Sqlite.sqlite");
    }

    /**
     * Loads Chinook_PostgreSql.sql into an existing database, as psql would after its
     * {@code \c chinook} line (the script's own DROP/CREATE DATABASE lines are skipped).
     */
    public static void loadPostgresScript(String databaseUrl) throws IOException, SQLException {
        String script = Files.readString(DIR.resolve("Chinook_PostgreSql.sql"), StandardCharsets.UTF_8);
        int connect = script.indexOf("\\c chinook;");
        if (connect < 0) {
            throw new IllegalStateException("Chinook_PostgreSql.sql has no \\c chinook; line");
        }
        String body = script.substring(connect + "\\c chinook;".length());
        try (Connection c = TestPostgres.connect(databaseUrl); Statement st = c.createStatement()) {
            st.execute(body);
        }
    }
}
