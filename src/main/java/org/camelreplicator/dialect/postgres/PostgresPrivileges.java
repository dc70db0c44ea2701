package org.camelreplicator.dialect.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.camelreplicator.dialect.Dialect;
import org.camelreplicator.dialect.Privilege;

/**
 * PostgreSQL's side of {@link Privilege}: which of them the connected user lacks (the server's
 * {@code has_*_privilege} functions answer, so a superuser or a member of the owner's role lacks
 * nothing), and what a refusal's message names.
 */
final class PostgresPrivileges {

    /** PostgreSQL's aclcheck messages (in English; a server with translated messages is not understood). */
    private static final Pattern DENIED = Pattern.compile("permission denied for (database|schema|table|relation|view|materialized view) (.+)");
    private static final Pattern NOT_OWNER = Pattern.compile("must be owner of (table|relation|materialized view) (.+)");

    private final Dialect dialect;

    PostgresPrivileges(Dialect dialect) {
        this.dialect = dialect;
    }

    List<Privilege> refused(SQLException refusal, boolean target) {
        String message = refusal.getMessage() == null ? "" : refusal.getMessage().lines().findFirst().orElse("");
        Matcher owner = NOT_OWNER.matcher(message);
        if (owner.find()) {
            return target ? Privilege.onTable(null, owner.group(2).strip(), List.of(Privilege.OWNERSHIP)) : List.of();
        }
        Matcher denied = DENIED.matcher(message);
        if (!denied.find()) {
            return List.of();
        }
        String name = denied.group(2).strip();
        return switch (denied.group(1)) {
            case "database" -> target ? Privilege.onDatabase("CREATE") : List.of();
            case "schema" -> target ? Privilege.onSchema(name, "USAGE", "CREATE") : Privilege.onSchema(name, "USAGE");
            default -> Privilege.onTable(null, name, target ? Privilege.TARGET_TABLE : List.of("SELECT"));
        };
    }

    List<String> missingGrants(Connection c, List<Privilege> needed) throws SQLException {
        String role;
        String database;
        try (PreparedStatement ps = c.prepareStatement("SELECT current_user, current_database()"); ResultSet rs = ps.executeQuery()) {
            rs.next();
            role = dialect.quoteIfNeeded(rs.getString(1));
            database = rs.getString(2);
        }
        Map<String, List<String>> grants = new LinkedHashMap<>();
        List<String> owners = new ArrayList<>();
        for (Privilege p : needed) {
            switch (p.kind()) {
                case DATABASE -> {
                    String name = p.name() == null ? database : p.name();
                    if (Boolean.FALSE.equals(ask(c, "SELECT has_database_privilege(?, ?)", name, p.privilege()))) {
                        add(grants, "DATABASE " + dialect.quoteIfNeeded(name), p.privilege());
                    }
                }
                case SCHEMA -> {
                    // a schema that does not exist yet is created by this user, who then owns it
                    if (Boolean.FALSE.equals(ask(c, "SELECT has_schema_privilege(oid, ?) FROM pg_namespace WHERE nspname = ?",
                            p.privilege(), p.name()))) {
                        add(grants, "SCHEMA " + dialect.quoteIfNeeded(p.name()), p.privilege());
                    }
                }
                case TABLE -> {
                    for (String schema : p.schema() != null ? List.of(p.schema()) : schemasOf(c, p.name())) {
                        String table = dialect.qualifiedTarget(schema, p.name());
                        if (p.privilege().equals(Privilege.OWNERSHIP)) {
                            if (Boolean.FALSE.equals(ask(c, "SELECT pg_has_role(c.relowner, 'USAGE') FROM pg_class c"
                                    + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relname = ?", schema, p.name()))) {
                                String alter = "ALTER TABLE " + table + " OWNER TO " + role;
                                if (!owners.contains(alter)) {
                                    owners.add(alter);
                                }
                            }
                        } else if (Boolean.FALSE.equals(ask(c, "SELECT has_table_privilege(c.oid, ?) FROM pg_class c"
                                + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relname = ?",
                                p.privilege(), schema, p.name()))) {
                            add(grants, "TABLE " + table, p.privilege());
                        }
                    }
                }
            }
        }
        List<String> statements = new ArrayList<>();
        grants.forEach((object, privileges) -> statements.add("GRANT " + String.join(", ", privileges) + " ON " + object + " TO " + role));
        statements.addAll(owners);
        return statements;
    }

    private static void add(Map<String, List<String>> grants, String object, String privilege) {
        List<String> privileges = grants.computeIfAbsent(object, k -> new ArrayList<>());
        if (!privileges.contains(privilege)) {
            privileges.add(privilege);
        }
    }

    /** The schemas holding a table a refusal named without its schema. */
    private static List<String> schemasOf(Connection c, String table) throws SQLException {
        List<String> schemas = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE c.relname = ? AND c.relkind IN ('r', 'p', 'v', 'm', 'f')"
                + " AND n.nspname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    schemas.add(rs.getString(1));
                }
            }
        }
        return schemas;
    }

    /** The query's one boolean, or null when it found no row (no such object). */
    private static Boolean ask(Connection c, String sql, String... parameters) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                ps.setString(i + 1, parameters[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getBoolean(1) : null;
            }
        }
    }
}
