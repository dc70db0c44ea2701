package org.camelreplicator.dialect;

import java.util.ArrayList;
import java.util.List;

/**
 * A privilege the replicator needs on one object of a database: what the check before a load asks
 * for, and what a refused statement (SQLState 42501) turns into, so the message can say the GRANT
 * that lifts the refusal ({@link Dialect#missingGrants}).
 *
 * @param kind      what the object is
 * @param schema    the table's schema; null for a database or a schema, and for a table a refusal
 *                  named without its schema (the dialect looks it up)
 * @param name      the object's name; null for the database connected to
 * @param privilege CREATE, USAGE, SELECT, INSERT, ... or {@link #OWNERSHIP}
 */
public record Privilege(Kind kind, String schema, String name, String privilege) {

    public enum Kind { DATABASE, SCHEMA, TABLE }

    /** Only the owner may do it (indexes, constraints): ownership cannot be granted, it is given with ALTER ... OWNER TO. */
    public static final String OWNERSHIP = "OWNERSHIP";

    /** What the replicator does to target tables: reads them (counts), copies, empties, upserts and deletes (sync). */
    public static final List<String> TARGET_TABLE = List.of("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE");

    /** Privileges on the database connected to. */
    public static List<Privilege> onDatabase(String... privileges) {
        return each(Kind.DATABASE, null, null, List.of(privileges));
    }

    public static List<Privilege> onSchema(String schema, String... privileges) {
        return each(Kind.SCHEMA, null, schema, List.of(privileges));
    }

    public static List<Privilege> onTable(String schema, String table, List<String> privileges) {
        return each(Kind.TABLE, schema, table, privileges);
    }

    private static List<Privilege> each(Kind kind, String schema, String name, List<String> privileges) {
        List<Privilege> result = new ArrayList<>();
        for (String p : privileges) {
            result.add(new Privilege(kind, schema, name, p));
        }
        return result;
    }
}
