package org.camelreplicator.stream;

import java.util.Optional;
import java.util.function.Function;

import org.camelreplicator.dialect.Databases;
import org.camelreplicator.config.StreamSettings;

/** What a {@link StreamSource} works with: the databases, the stream's settings, its ledger row, the raw properties. */
record StreamContext(Databases databases, StreamSettings stream, StreamOffsets offsets, Function<String, Optional<String>> properties) {

    String property(String name) {
        return properties.apply(name).orElse("");
    }
}
