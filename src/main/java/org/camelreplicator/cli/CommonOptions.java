package org.camelreplicator.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import picocli.CommandLine.Option;

/**
 * Options every command takes. The named ones are shortcuts for settings; any setting of
 * application.properties can also be given as {@code --name=value}.
 */
public final class CommonOptions {

    @Option(names = "--config", paramLabel = "FILE", description = "Read settings from FILE on top of application.properties: it holds only what this job changes.")
    Path config;

    @Option(names = "--tables", paramLabel = "LIST", description = "Only these tables, comma-separated, as table or schema.table (replicator.tables).")
    String tables;

    @Option(names = "--exclude", paramLabel = "LIST", description = "Leave these tables out (replicator.exclude).")
    String exclude;

    @Option(names = "--workers", paramLabel = "N", description = "Chunks copied at once (replicator.workers).")
    String workers;

    @Option(names = "--batch-rows", paramLabel = "N", description = "Rows per batch, the unit of one write (replicator.batch-rows).")
    String batchRows;

    @Option(names = "--chunk-rows", paramLabel = "N", description = "Rows per chunk, the unit of one transaction and of resume (replicator.chunk-rows).")
    String chunkRows;

    @Option(names = "--naming", paramLabel = "RULE", description = "snake, preserve or lower: how source names become target names (replicator.naming).")
    String naming;

    @Option(names = "--source-schema", paramLabel = "NAME", description = "Source schema to read (replicator.source-schema).")
    String sourceSchema;

    @Option(names = "--target-schema", paramLabel = "NAME", description = "Target schema to write (replicator.target-schema).")
    String targetSchema;

    /**
     * The settings given on the command line, as property overrides.
     *
     * @param unmatched the arguments picocli did not recognise: each must be --name=value
     */
    Map<String, String> overrides(List<String> unmatched) {
        Map<String, String> result = new LinkedHashMap<>();
        put(result, "replicator.tables", tables);
        put(result, "replicator.exclude", exclude);
        put(result, "replicator.workers", workers);
        put(result, "replicator.batch-rows", batchRows);
        put(result, "replicator.chunk-rows", chunkRows);
        put(result, "replicator.naming", naming);
        put(result, "replicator.source-schema", sourceSchema);
        put(result, "replicator.target-schema", targetSchema);
        for (String arg : unmatched) {
            int eq = arg.indexOf('=');
            String key = arg.startsWith("--") && eq > 2 ? arg.substring(2, eq) : null;
            if (key == null || !key.contains(".")) {
                throw new UsageException("Unknown option or argument: " + arg
                        + ". Settings are passed as --name=value, e.g. --replicator.workers=8 or --source.url=jdbc:...; see: help");
            }
            result.put(key, arg.substring(eq + 1));
        }
        return result;
    }

    private static void put(Map<String, String> map, String key, String value) {
        if (value != null) {
            map.put(key, value);
        }
    }
}
