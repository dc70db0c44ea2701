package org.camelreplicator.schema;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.ExchangeProperty;
import org.camelreplicator.catalog.NotCarried;
import org.camelreplicator.dialect.Databases;
import org.camelreplicator.config.InvalidSettingException;
import org.camelreplicator.config.ReplicatorSettings;
import org.camelreplicator.dialect.Dialect;
import org.camelreplicator.dialect.TargetDialect;
import org.camelreplicator.observe.Errors;
import org.camelreplicator.observe.LogFile;
import org.camelreplicator.observe.RunReport;
import org.camelreplicator.plan.NameMapper;
import org.camelreplicator.run.RunContext;
import org.camelreplicator.plan.TablePlan;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * replicator.copy-views: the source's plain views, created on the target once every table of the
 * run is complete, with the source's own SQL (a PostgreSQL source only: other engines' view SQL is
 * not PostgreSQL's). CREATE OR REPLACE makes the step safe to repeat, so a retry or a resumed run
 * creates them again. A view that reads another view waits for it; a view the target refuses (a
 * table outside the run, a column the naming renamed) fails the run, naming the view and the cause.
 */
public final class Views {

    public static final String SETTING = "replicator.copy-views";

    private static final Logger LOG = LoggerFactory.getLogger(Views.class);

    private final Databases databases;
    private final ReplicatorSettings settings;

    public Views(Databases databases, ReplicatorSettings settings) {
        this.databases = databases;
        this.settings = settings;
    }

    /** Refuses the setting before anything is written when the source's view SQL cannot be carried. */
    public static void requireSupported(Databases databases, ReplicatorSettings settings) {
        if (settings.copyViews() && !(databases.sourceDialect().name().equals("PostgreSQL")
                && databases.targetDialect().name().equals("PostgreSQL"))) {
            throw new InvalidSettingException(SETTING, "true", "needs a PostgreSQL source and target (here "
                    + databases.sourceDialect().name() + " to " + databases.targetDialect().name()
                    + "): other engines write views in SQL of their own. Leave it off; the summary lists the views not carried");
        }
    }

    /** Creates the views of the run's source schemas in the schemas their tables went to. */
    public void copy(@ExchangeProperty(RunContext.PROPERTY) RunContext run) throws SQLException {
        if (!settings.copyViews()) {
            return;
        }
        if (run.report().failed()) {
            // a view over a table that is not complete would show it incomplete
            RunReport.CONSOLE.info("Views wait for the tables that did not complete: load --resume creates them");
            return;
        }
        Map<String, String> targetSchemas = new LinkedHashMap<>();
        for (TablePlan table : run.tables()) {
            targetSchemas.putIfAbsent(table.source().schema(), table.targetSchema());
        }
        NameMapper names = new NameMapper(settings.naming());
        List<String> created = new ArrayList<>();
        for (Map.Entry<String, String> schema : targetSchemas.entrySet()) {
            List<Dialect.ViewSpec> views;
            try (Connection source = databases.source().getConnection()) {
                views = databases.sourceDialect().views(source, schema.getKey());
            }
            created.addAll(create(run.report(), schema.getKey(), schema.getValue(), views == null ? List.of() : views, names));
        }
        if (!created.isEmpty()) {
            RunReport.CONSOLE.info("Views created: {}", String.join(", ", created));
            List<NotCarried> left = run.report().notCarried().stream()
                    .filter(n -> n.kind() != NotCarried.Kind.VIEW || !created.contains(n.label())).toList();
            run.report().notCarried(left);
        }
    }

    /**
     * Creates the views one by one, each in a transaction of its own; those the target refuses are
     * tried again while others succeed (a view may read one created after it), then reported.
     *
     * @return the created views, as the source names them ({@code schema.view})
     */
    private List<String> create(RunReport report, String sourceSchema, String targetSchema, List<Dialect.ViewSpec> views,
                                NameMapper names) throws SQLException {
        TargetDialect target = databases.targetDialect();
        List<String> created = new ArrayList<>();
        List<Dialect.ViewSpec> pending = new ArrayList<>(views);
        Map<Dialect.ViewSpec, SQLException> refused = new LinkedHashMap<>();
        boolean progress = true;
        while (!pending.isEmpty() && progress) {
            progress = false;
            refused.clear();
            for (Dialect.ViewSpec view : List.copyOf(pending)) {
                String qualified = target.qualifiedTarget(targetSchema, names.map(view.name()));
                try {
                    createOne(targetSchema, "CREATE OR REPLACE VIEW " + qualified + " AS " + view.query());
                    pending.remove(view);
                    created.add(label(sourceSchema, view.name()));
                    progress = true;
                } catch (SQLException e) {
                    if (databases.isTransient(e)) {
                        throw e;
                    }
                    refused.put(view, e);
                }
            }
        }
        for (Map.Entry<Dialect.ViewSpec, SQLException> r : refused.entrySet()) {
            String view = label(sourceSchema, r.getKey().name());
            String message = Errors.describe(r.getValue()) + ". Its SQL is the source's: a table outside the run (--tables,"
                    + " --exclude) or a name the target changed (replicator.naming, a target-name override) is not there."
                    + " Create it by hand, or fix the cause and run load --resume";
            LOG.error(LogFile.FILE_ONLY, "View {} was not created: {}", view, message, r.getValue());
            report.viewFailed(view, message);
        }
        return created;
    }

    private void createOne(String targetSchema, String ddl) throws SQLException {
        try (Connection c = databases.target().getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement path = c.prepareStatement("SELECT set_config('search_path', quote_ident(?), true)");
                 Statement st = c.createStatement()) {
                // the view's SQL names its own schema's tables without a schema: they are the target schema's
                path.setString(1, targetSchema);
                path.execute();
                st.execute(ddl);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                Databases.rollbackAfter(c, e);
                throw e;
            }
        }
    }

    private static String label(String schema, String view) {
        return schema == null ? view : schema + "." + view;
    }
}
