package org.camelreplicator.schema;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.camelreplicator.catalog.ColumnSpec;
import org.camelreplicator.config.Databases;
import org.camelreplicator.dialect.Dialect;
import org.camelreplicator.plan.TablePlan;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.camelreplicator.observe.RunReport.CONSOLE;

/**
 * Creates target tables: columns with their mapped types, NOT NULL, defaults that translate, and the
 * primary key. {@code IF NOT EXISTS} everywhere, so running again on an existing target changes
 * nothing.
 */
public final class TargetSchema {

    private static final Logger LOG = LoggerFactory.getLogger(TargetSchema.class);

    private static final java.util.Set<String> INTEGERS = java.util.Set.of("smallint", "integer", "bigint");

    private final Databases databases;

    public TargetSchema(Databases databases) {
        this.databases = databases;
    }

    /** Creates the target schema; done once per run, before tables are created in parallel. */
    public void ensureSchema(String schema) throws SQLException {
        if (schema == null) {
            return;
        }
        execute(databases.targetDialect().createSchemaSql(schema));
    }

    /** The schema command: creates the target schema and every planned table; answers exit status 0. */
    public int createTables(List<TablePlan> tables) throws SQLException {
        CONSOLE.info("Source: {}", databases.describeSource());
        CONSOLE.info("Target: {}", databases.describeTarget());
        tables.stream().map(TablePlan::targetSchema).distinct().forEach(this::ensureSchemaUnchecked);
        for (TablePlan table : tables) {
            ensureTable(table);
            CONSOLE.info("{} -> {}", table.id(), table.targetQualifiedName());
        }
        CONSOLE.info("{} tables in place on the target", tables.size());
        return 0;
    }

    private void ensureSchemaUnchecked(String schema) {
        try {
            ensureSchema(schema);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create target schema " + schema + ": " + e.getMessage(), e);
        }
    }

    public void ensureTable(TablePlan table) throws SQLException {
        execute(createTableSql(table));
    }

    public String createTableSql(TablePlan table) {
        Dialect source = databases.sourceDialect();
        Dialect target = databases.targetDialect();
        List<String> lines = new ArrayList<>();
        List<ColumnSpec> columns = table.source().columns();
        for (int i = 0; i < columns.size(); i++) {
            ColumnSpec c = columns.get(i);
            StringBuilder line = new StringBuilder("    ")
                    .append(target.quoteIfNeeded(table.targetColumns().get(i))).append(' ')
                    .append(target.targetType(source.postgresType(c)));
            String dflt = source.postgresDefault(c);
            String identity = c.autoIncrement() && INTEGERS.contains(source.postgresType(c)) ? target.identityClause() : null;
            if (identity != null) {
                line.append(' ').append(identity);
            } else if (dflt != null) {
                line.append(" DEFAULT ").append(dflt);
            } else if (c.defaultValue() != null && !c.autoIncrement()) {
                LOG.info("{}.{}: default {} has no portable equivalent; the target column has no default",
                        table.id(), c.name(), c.defaultValue());
            }
            if (!c.nullable()) {
                line.append(" NOT NULL");
            }
            lines.add(line.toString());
        }
        if (!table.source().primaryKey().isEmpty()) {
            List<String> key = table.source().primaryKey().stream().map(k -> target.quoteIfNeeded(table.targetColumn(k))).toList();
            lines.add("    PRIMARY KEY (" + String.join(", ", key) + ")");
        }
        return "CREATE TABLE IF NOT EXISTS " + target.qualifiedTarget(table.targetSchema(), table.targetName())
                + " (\n" + String.join(",\n", lines) + "\n)";
    }

    private void execute(String sql) throws SQLException {
        try (Connection c = databases.target().getConnection(); Statement st = c.createStatement()) {
            c.setAutoCommit(true);
            st.execute(sql);
        }
    }
}
