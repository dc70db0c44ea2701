package org.camelreplicator.transform;

import java.nio.file.Path;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.camel.CamelContext;
import org.apache.camel.model.ChoiceDefinition;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RemoveHeaderDefinition;
import org.apache.camel.model.RemoveHeadersDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.SetHeaderDefinition;
import org.apache.camel.model.SetHeadersDefinition;
import org.apache.camel.model.WhenDefinition;
import org.apache.camel.model.language.ExpressionDefinition;
import org.apache.camel.model.language.TypedExpressionDefinition;
import org.apache.camel.support.PatternHelper;
import org.camelreplicator.catalog.ColumnSpec;
import org.camelreplicator.catalog.ForeignKeySpec;
import org.camelreplicator.catalog.IndexSpec;
import org.camelreplicator.catalog.TableSpec;
import org.camelreplicator.config.InvalidSettingException;
import org.camelreplicator.config.RoutesFolder;
import org.camelreplicator.plan.ColumnTransform;
import org.camelreplicator.plan.TableSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the shape of a table's transform from its route, when the tables are planned and before
 * anything is written, so the target table can be created as the transformed rows need it. The
 * route's contract (README "Shaping columns on the way"): a row arrives as headers, one per source
 * column; {@code removeHeader}/{@code removeHeaders} drop columns, {@code setHeader} sets one (a
 * source column: a mask or a cast; another name: a column the route adds), and the headers that are
 * left are the row that is written. The type of a column the route sets is its expression's
 * {@code resultType} (a cast, or an added column's declared type), or, for an added column whose
 * expression is just {@code ${header.<column>}} (a rename), that column's type.
 */
public final class TransformShapes {

    private static final Logger LOG = LoggerFactory.getLogger(TransformShapes.class);

    /** The route configuration a transform route has: its failures go back to the copy, which applies the fault rules. */
    public static final String ROUTE_CONFIGURATION = "caller-reports-failures";

    private static final Pattern HEADER_COPY = Pattern.compile("\\$\\{(?:header|headers|in\\.header)(?:\\.([\\w$]+)|\\[([^\\]]+)\\])\\}");

    /** Java result types and the PostgreSQL type a column of such values is created with. */
    private static final Map<String, String> TYPES = new LinkedHashMap<>();

    static {
        TYPES.put("java.lang.String", "text");
        TYPES.put("java.lang.Integer", "integer");
        TYPES.put("java.lang.Long", "bigint");
        TYPES.put("java.lang.Short", "smallint");
        TYPES.put("java.math.BigDecimal", "numeric");
        TYPES.put("java.lang.Double", "double precision");
        TYPES.put("java.lang.Float", "real");
        TYPES.put("java.lang.Boolean", "boolean");
        TYPES.put("java.time.LocalDate", "date");
        TYPES.put("java.time.LocalDateTime", "timestamp");
        TYPES.put("java.time.OffsetDateTime", "timestamptz");
        TYPES.put("java.util.UUID", "uuid");
        TYPES.put("byte[]", "bytea");
    }

    private final CamelContext context;

    public TransformShapes(CamelContext context) {
        this.context = context;
    }

    /** One step of the route that touches a header, in the order the route has them. */
    private record Step(String header, String pattern, boolean set, ExpressionDefinition expression) {
    }

    /**
     * The transform of a table whose settings name one, else null.
     *
     * @throws InvalidSettingException naming the setting: no such route, a route that is not a transform's
     *                                 (not direct:, no caller-reports-failures), a step the target could not be
     *                                 created for (an added column without a type), a key changed
     */
    public ColumnTransform shape(TableSpec table, TableSettings settings) {
        String given = settings.transformRoute();
        if (given == null) {
            return null;
        }
        String setting = settings.transformSetting();
        RouteDefinition route = route(given, setting, table);
        String location = route.getResource() == null ? "" : route.getResource().getLocation().replace('\\', '/');
        for (String own : RoutesFolder.BUILT_IN) {
            if (location.endsWith("routes/" + own + ".camel.yaml")) {
                throw new InvalidSettingException(setting, setting + "=" + given + ": route " + route.getId() + " is one of the"
                        + " replicator's own (" + location + "), not a transform. Name a route of your own, e.g. a copy of"
                        + " routes/examples/mask-columns.camel.yaml.");
            }
        }
        String from = route.getInput() == null ? "" : route.getInput().getEndpointUri();
        if (!from.startsWith("direct:")) {
            throw new InvalidSettingException(setting, setting + "=" + given + ": route " + route.getId() + " starts from '" + from
                    + "'; a transform route starts from direct:<name>, which the copy sends each row to.");
        }
        if (!ROUTE_CONFIGURATION.equals(route.getRouteConfigurationId())) {
            throw new InvalidSettingException(setting, setting + "=" + given + ": route " + route.getId() + " needs"
                    + " routeConfigurationId: " + ROUTE_CONFIGURATION + ", so that a row it fails on goes back to the copy, which"
                    + " retries a transient failure and fails the table (or rejects the row) otherwise; an error handler of its own"
                    + " would log and drop the failure, and the row would be written unchanged.");
        }
        Map<String, String> byLowerCase = new TreeMap<>();
        for (ColumnSpec c : table.columns()) {
            String other = byLowerCase.put(c.name().toLowerCase(Locale.ROOT), c.name());
            if (other != null) {
                throw new InvalidSettingException(setting, "Table " + table.qualifiedName() + " has columns " + other + " and " + c.name()
                        + ", which differ only in case: Camel's headers, which carry a row through " + route.getId()
                        + ", do not tell them apart. Leave the table without a transform (remove " + setting + ").");
            }
        }
        List<Step> steps = new ArrayList<>();
        walk(route.getOutputs(), steps, setting, route.getId());

        Set<String> dropped = new LinkedHashSet<>();
        Set<String> changed = new LinkedHashSet<>();
        Map<String, ExpressionDefinition> added = new LinkedHashMap<>();
        Map<String, ExpressionDefinition> sets = new LinkedHashMap<>();
        for (Step step : steps) {
            if (step.pattern() != null) {
                for (ColumnSpec c : table.columns()) {
                    if (PatternHelper.matchPattern(c.name(), step.pattern())) {
                        dropped.add(c.name());
                    }
                }
                continue;
            }
            String column = byLowerCase.get(step.header().toLowerCase(Locale.ROOT));
            if (!step.set()) {
                if (column != null) {
                    dropped.add(column);
                } else {
                    added.keySet().removeIf(a -> a.equalsIgnoreCase(step.header()));
                }
            } else if (column != null) {
                changed.add(column);
                sets.put(column, step.expression());
            } else if (added.keySet().stream().noneMatch(a -> a.equalsIgnoreCase(step.header()))) {
                added.put(step.header(), step.expression());
            }
        }
        changed.removeAll(dropped);
        for (String protectedColumn : protectedColumns(table, settings)) {
            if (dropped.contains(protectedColumn) || changed.contains(protectedColumn)) {
                throw new InvalidSettingException(setting, setting + "=" + given + ": route " + route.getId()
                        + (dropped.contains(protectedColumn) ? " removes" : " sets") + " column " + protectedColumn + " of table "
                        + table.qualifiedName() + ", which the copy needs as the source has it (the primary key, the sync key or"
                        + " watermark, or the split-by or partition-by column: they find and resume rows on both sides). Leave it out of the"
                        + " transform; to give it another name on the target use " + org.camelreplicator.config.ReplicatorSettings.TABLE_PREFIX
                        + table.name() + ".column." + protectedColumn + ".target-name.");
            }
        }

        Map<String, String> declared = new LinkedHashMap<>();
        List<ColumnSpec> columns = new ArrayList<>();
        for (ColumnSpec c : table.columns()) {
            if (dropped.contains(c.name())) {
                continue;
            }
            if (changed.contains(c.name())) {
                String type = declaredType(sets.get(c.name()), setting, route, c.name());
                if (type != null) {
                    if (settings.columnCasts().containsKey(c.name())) {
                        throw new InvalidSettingException(setting, "Column " + c.name() + " of table " + table.qualifiedName()
                                + " has two target types: the resultType of its setHeader in route " + route.getId()
                                + " and replicator.cast.column." + table.name() + "." + c.name() + ". Keep one of them.");
                    }
                    declared.put(c.name(), type);
                }
                // a mask may make the value null, and what a step computes has no default or identity of the source's
                columns.add(new ColumnSpec(c.name(), c.jdbcType(), c.typeName(), c.size(), c.scale(), true, null, false));
            } else {
                columns.add(c);
            }
        }
        Map<String, String> addedTypes = new LinkedHashMap<>();
        for (Map.Entry<String, ExpressionDefinition> a : added.entrySet()) {
            String name = a.getKey();
            String type = declaredType(a.getValue(), setting, route, name);
            ColumnSpec copied = copiedColumn(a.getValue(), table, byLowerCase);
            if (type != null) {
                declared.put(name, type);
                columns.add(new ColumnSpec(name, jdbcType(type), type, 0, 0, true, null, false));
                addedTypes.put(name, type);
            } else if (copied != null) {
                String cast = settings.columnCasts().get(copied.name());
                if (cast != null) {
                    declared.put(name, cast);
                }
                columns.add(new ColumnSpec(name, copied.jdbcType(), copied.typeName(), copied.size(), copied.scale(), true, null, false));
                addedTypes.put(name, "as " + copied.name());
            } else {
                throw new InvalidSettingException(setting, setting + "=" + given + ": route " + route.getId() + " adds column " + name
                        + " to table " + table.qualifiedName() + " without a type, so the target table cannot be created for it."
                        + " Give its expression a resultType, one of " + String.join(", ", TYPES.keySet())
                        + " (e.g. simple: {expression: \"...\", resultType: java.lang.String}).");
            }
        }
        if (columns.isEmpty()) {
            throw new InvalidSettingException(setting, setting + "=" + given + ": route " + route.getId() + " removes every column of "
                    + table.qualifiedName() + ".");
        }
        Set<String> unchanged = new LinkedHashSet<>();
        table.columns().stream().map(ColumnSpec::name).filter(n -> !dropped.contains(n) && !changed.contains(n)).forEach(unchanged::add);
        List<IndexSpec> indexes = new ArrayList<>();
        for (IndexSpec index : table.indexes()) {
            if (index.columns().stream().allMatch(c -> c == null || unchanged.contains(c))) {
                indexes.add(index);
            } else {
                LOG.info("{}: index {} is not built on the target: route {} drops or changes one of its columns {}",
                        table.qualifiedName(), index.name(), route.getId(), index.columns());
            }
        }
        List<ForeignKeySpec> foreignKeys = table.foreignKeys().stream().filter(fk -> unchanged.containsAll(fk.columns())).toList();
        TableSpec output = new TableSpec(table.catalog(), table.schema(), table.name(), columns, table.primaryKey(), indexes, foreignKeys,
                table.prerequisites(), table.estimatedRows());
        return new ColumnTransform(setting, route.getId(), from, table, output, List.copyOf(dropped), List.copyOf(changed), addedTypes,
                declared, route.getOutputs().toString());
    }

    /** The route a setting names: by id, or the one route of a file that was loaded for it. */
    private RouteDefinition route(String given, String setting, TableSpec table) {
        List<RouteDefinition> routes = ((ModelCamelContext) context).getRouteDefinitions();
        if (org.camelreplicator.config.TransformSettings.isFile(given)) {
            Path wanted = Path.of(given).toAbsolutePath().normalize();
            List<RouteDefinition> inFile = routes.stream().filter(r -> r.getResource() != null
                    && Path.of(r.getResource().getLocation().replaceFirst("^(file|classpath):", "")).toAbsolutePath().normalize().equals(wanted))
                    .toList();
            if (inFile.size() != 1) {
                throw new InvalidSettingException(setting, setting + "=" + given + ": " + (inFile.isEmpty()
                        ? "no route was loaded from " + wanted + " (is the file there, and is it a .camel.yaml file of routes?)"
                        : "the file holds " + inFile.size() + " routes; a transform file holds one (or name the route by its id)") + ".");
            }
            return inFile.get(0);
        }
        return routes.stream().filter(r -> given.equals(r.getId())).findFirst().orElseThrow(() -> new InvalidSettingException(setting,
                setting + "=" + given + ": no route has the id " + given + ". Name a route of routes/*.camel.yaml by its id, or a route"
                        + " file (e.g. " + setting + "=routes/examples/mask-columns.camel.yaml); routes/examples/ has one example of"
                        + " each kind of transform. Table " + table.qualifiedName() + "."));
    }

    /** The steps that touch headers, in route order, branches included. */
    private static void walk(List<ProcessorDefinition<?>> outputs, List<Step> steps, String setting, String routeId) {
        for (ProcessorDefinition<?> node : outputs) {
            if (node instanceof SetHeaderDefinition set) {
                steps.add(new Step(set.getName(), null, true, set.getExpression()));
            } else if (node instanceof SetHeadersDefinition sets) {
                sets.getHeaders().forEach(set -> steps.add(new Step(set.getName(), null, true, set.getExpression())));
            } else if (node instanceof RemoveHeaderDefinition remove) {
                steps.add(new Step(remove.getName(), null, false, null));
            } else if (node instanceof RemoveHeadersDefinition remove) {
                if (remove.getExcludePattern() != null) {
                    throw new InvalidSettingException(setting, setting + ": route " + routeId + " has removeHeaders with excludePattern,"
                            + " whose columns a transform cannot tell before the rows come. Name the columns to remove (removeHeader, or a"
                            + " removeHeaders pattern without excludePattern).");
                }
                steps.add(new Step(null, remove.getPattern(), false, null));
            }
            if (node instanceof ChoiceDefinition choice) {
                for (WhenDefinition when : choice.getWhenClauses()) {
                    walk(when.getOutputs(), steps, setting, routeId);
                }
                if (choice.getOtherwise() != null) {
                    walk(choice.getOtherwise().getOutputs(), steps, setting, routeId);
                }
            } else {
                walk(node.getOutputs(), steps, setting, routeId);
            }
        }
    }

    /** The PostgreSQL type a step's resultType declares, or null when it declares none. */
    private static String declaredType(ExpressionDefinition expression, String setting, RouteDefinition route, String column) {
        ExpressionDefinition e = unwrap(expression);
        if (!(e instanceof TypedExpressionDefinition typed)) {
            return null;
        }
        String name = typed.getResultTypeName() != null ? typed.getResultTypeName()
                : typed.getResultType() != null ? typed.getResultType().getName() : null;
        if (name == null || name.isBlank()) {
            return null;
        }
        String normal = switch (name.strip()) {
            case "String" -> "java.lang.String";
            case "Integer", "int" -> "java.lang.Integer";
            case "Long", "long" -> "java.lang.Long";
            case "[B" -> "byte[]";
            default -> name.strip();
        };
        String type = TYPES.get(normal);
        if (type == null) {
            throw new InvalidSettingException(setting, "Route " + route.getId() + " sets column " + column + " with resultType " + name
                    + ", which has no target type. Use one of " + String.join(", ", TYPES.keySet()) + ".");
        }
        return type;
    }

    /** The source column an added column copies (its expression is just ${header.<column>}), or null. */
    private static ColumnSpec copiedColumn(ExpressionDefinition expression, TableSpec table, Map<String, String> byLowerCase) {
        ExpressionDefinition e = unwrap(expression);
        if (e == null || e.getExpression() == null || !"simple".equals(e.getLanguage())) {
            return null;
        }
        Matcher m = HEADER_COPY.matcher(e.getExpression().strip());
        if (!m.matches()) {
            return null;
        }
        String header = m.group(1) != null ? m.group(1) : m.group(2).replace("'", "");
        String column = byLowerCase.get(header.toLowerCase(Locale.ROOT));
        return column == null ? null : table.column(column).orElseThrow();
    }

    private static ExpressionDefinition unwrap(ExpressionDefinition e) {
        while (e != null && e.getExpressionType() != null && e.getExpressionType() != e) {
            e = e.getExpressionType();
        }
        return e;
    }

    /** The columns the copy reads as the source has them on both sides: keys, watermark, split column. */
    private static Set<String> protectedColumns(TableSpec table, TableSettings settings) {
        Set<String> result = new LinkedHashSet<>(table.primaryKey());
        if (settings.splitBy() != null) {
            result.add(settings.splitBy());
        }
        if (settings.partitionBy() != null) {
            result.add(settings.partitionBy());
        }
        if (settings.syncKey() != null) {
            settings.syncKey().forEach(k -> table.columns().stream().filter(c -> c.name().equalsIgnoreCase(k)).forEach(c -> result.add(c.name())));
        }
        if (settings.watermark() != null) {
            table.columns().stream().filter(c -> c.name().equalsIgnoreCase(settings.watermark())).forEach(c -> result.add(c.name()));
        }
        return result;
    }

    private static int jdbcType(String type) {
        return switch (type) {
            case "integer" -> Types.INTEGER;
            case "bigint" -> Types.BIGINT;
            case "smallint" -> Types.SMALLINT;
            case "numeric" -> Types.NUMERIC;
            case "double precision" -> Types.DOUBLE;
            case "real" -> Types.REAL;
            case "boolean" -> Types.BOOLEAN;
            case "date" -> Types.DATE;
            case "timestamp" -> Types.TIMESTAMP;
            case "timestamptz" -> Types.TIMESTAMP_WITH_TIMEZONE;
            case "bytea" -> Types.VARBINARY;
            case "uuid" -> Types.OTHER;
            default -> Types.VARCHAR;
        };
    }
}
