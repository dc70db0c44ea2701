package org.camelreplicator.dialect;

import org.camelreplicator.copy.BatchWriter;
import org.camelreplicator.copy.JdbcBatchWriter;

/**
 * Any other JDBC engine: quoting with the character its driver reports, types by JDBC type code,
 * rows written with JDBC batches.
 */
public final class GenericDialect implements Dialect {

    private final String name;
    private final String quote;
    private final BatchWriter writer = new JdbcBatchWriter(this);

    public GenericDialect(String name, String quote) {
        this.name = name;
        this.quote = quote == null || quote.isBlank() ? "\"" : quote.trim();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String quote(String identifier) {
        return quote + identifier.replace(quote, quote + quote) + quote;
    }

    @Override
    public BatchWriter batchWriter() {
        return writer;
    }
}
