package org.camelreplicator.plan;

/**
 * One after-action as the settings give it: a statement run on the target after a table's (or the
 * run's) load, or after a sync that changed it (routes/after-actions.camel.yaml).
 *
 * @param setting the setting it comes from, for messages ({@code replicator.table.orders.after-load})
 * @param sql     the statement as the user wrote it; for a view of {@code refresh-views}, its REFRESH as configured
 * @param view    the materialized view of a {@code refresh-views} setting, or null for the user's own SQL
 * @param concurrently for a view: {@code replicator.refresh-concurrently} asks for REFRESH ... CONCURRENTLY
 */
public record AfterAction(String setting, String sql, String view, boolean concurrently) {

    /** A statement of an after-load or after-sync setting. */
    public static AfterAction statement(String setting, String sql) {
        return new AfterAction(setting, sql, null, false);
    }

    /** A view of a refresh-views setting, refreshed CONCURRENTLY when asked and the view allows it. */
    public static AfterAction refresh(String setting, String view, boolean concurrently) {
        return new AfterAction(setting, refreshSql(view, concurrently), view, concurrently);
    }

    public static String refreshSql(String view, boolean concurrently) {
        return "REFRESH MATERIALIZED VIEW " + (concurrently ? "CONCURRENTLY " : "") + view;
    }

    /** What the action is, for people: the SQL and where it comes from. */
    public String describe() {
        return sql + " (" + setting + ")";
    }
}
