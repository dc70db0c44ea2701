package org.camelreplicator.dialect;


/**
 * Any other JDBC engine: quoting with the character its driver reports, types by JDBC type code,
 * rows written with JDBC batches.
 */
public final class GenericDialect implements Dialect {

    private final String name;
    private final String quote;
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

}
