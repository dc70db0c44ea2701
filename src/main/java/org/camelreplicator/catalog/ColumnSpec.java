package org.camelreplicator.catalog;

/**
 * One source column as the catalog describes it.
 *
 * @param name          the column name exactly as the source spells it
 * @param jdbcType      the {@link java.sql.Types} code the driver reports
 * @param typeName      the engine's own type name (for PostgreSQL sources: {@code format_type}, e.g.
 *                      {@code numeric(12,2)})
 * @param size          declared length or precision, 0 when the engine reports none
 * @param scale         declared scale, 0 when none
 * @param nullable      whether NULL is allowed
 * @param defaultValue  the default expression as the source reports it, or null
 * @param autoIncrement whether the engine fills the value (identity, serial, auto_increment)
 */
public record ColumnSpec(String name, int jdbcType, String typeName, int size, int scale,
                         boolean nullable, String defaultValue, boolean autoIncrement) {
}
