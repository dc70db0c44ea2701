package org.camelreplicator.plan;

import java.util.List;
import java.util.Map;

import org.camelreplicator.catalog.ColumnSpec;
import org.camelreplicator.catalog.TableSpec;

/**
 * A table's column transform (replicator.table.<table>.transform): the route its rows go through, and
 * the shape they have afterwards, read from the route's steps when the tables are planned
 * ({@code transform.TransformShapes}). The table's plan then describes the transformed rows
 * ({@link TablePlan#source()} is {@link #output()}: what the target table is created with and
 * written with), while the source is read as {@link #source()} says ({@link TablePlan#read()}).
 *
 * @param setting       the setting that names the route ({@code replicator.table.<table>.transform})
 * @param route         the route's id
 * @param endpoint      the route's {@code direct:} endpoint, which each row is sent to
 * @param source        the source table as the catalog describes it: the columns read, in order (each a header of the row)
 * @param output        the rows after the route: the columns kept, then the columns it adds (each a header it sets)
 * @param dropped       source columns the route removes
 * @param changed       source columns the route sets (masks, casts), kept under their name
 * @param added         columns the route adds, in the order they are first set, with their declared or inferred type
 * @param declaredTypes column -> the target type its expression's resultType declares (PostgreSQL names)
 * @param steps         the route's steps as Camel's model prints them (expressions included): what a resumed load
 *                      compares, so a route changed between a load and its resume is found
 */
public record ColumnTransform(String setting, String route, String endpoint, TableSpec source, TableSpec output,
                              List<String> dropped, List<String> changed, Map<String, String> added, Map<String, String> declaredTypes,
                              String steps) {

    public ColumnTransform {
        dropped = List.copyOf(dropped);
        changed = List.copyOf(changed);
        added = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(added));
        declaredTypes = Map.copyOf(declaredTypes);
    }

    /** The source's column names: the headers a row arrives with. */
    public List<String> sourceColumns() {
        return source.columns().stream().map(ColumnSpec::name).toList();
    }

    /** The transformed row's column names: the headers read back, in the order they are written. */
    public List<String> outputColumns() {
        return output.columns().stream().map(ColumnSpec::name).toList();
    }

    /**
     * What the ledger records with the table's plan: the route's shape and a fingerprint of its steps
     * (SHA-256 of their text, first 16 hex digits), at most a few hundred characters.
     */
    public String recorded() {
        try {
            byte[] hash = java.security.MessageDigest.getInstance("SHA-256").digest(steps.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            String text = describe() + " [steps " + java.util.HexFormat.of().formatHex(hash, 0, 8) + "]";
            return text.length() <= 8000 ? text : text.substring(0, 7970) + "... [steps " + java.util.HexFormat.of().formatHex(hash, 0, 8) + "]";
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("This JVM has no SHA-256", e);
        }
    }

    /** One line for the dry run and the log: what the route does to the table's columns. */
    public String describe() {
        StringBuilder sb = new StringBuilder("route ").append(route).append(" (").append(setting).append(")");
        if (!dropped.isEmpty()) {
            sb.append("; drops ").append(String.join(", ", dropped));
        }
        if (!changed.isEmpty()) {
            sb.append("; sets ").append(String.join(", ", changed.stream().map(c -> declaredTypes.containsKey(c)
                    ? c + " as " + declaredTypes.get(c) : c).toList()));
        }
        if (!added.isEmpty()) {
            sb.append("; adds ").append(String.join(", ", added.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).toList()));
        }
        return sb.toString();
    }
}
