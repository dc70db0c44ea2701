package org.camelreplicator.dialect;

/**
 * An engine in both roles, one implementation per engine: what it says as a {@link SourceDialect} (catalog quirks,
 * streaming reads, value readers, the mapping of its types to PostgreSQL's) and as a {@link TargetDialect} (DDL types,
 * locks, upserts). Code that needs one role takes that role's type. Code outside this package never asks which engine
 * it talks to.
 */
public interface Dialect extends SourceDialect, TargetDialect {
}
