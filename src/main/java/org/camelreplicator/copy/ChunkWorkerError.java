package org.camelreplicator.copy;

import org.camelreplicator.plan.Chunk;

/**
 * A chunk's reader died of a JVM error (out of heap, most often: rows bigger than the heap holds).
 * Camel's parallel splitter loses an {@link Error} thrown by its iterator (the worker's task ends
 * and the split never completes, so the run would wait forever); as this exception it fails the
 * chunk's table like any permanent failure, with the chunk named and what to change.
 */
public final class ChunkWorkerError extends RuntimeException {

    public ChunkWorkerError(Chunk chunk, Error cause) {
        super(message(chunk, cause), cause);
    }

    private static String message(Chunk chunk, Error cause) {
        if (cause instanceof OutOfMemoryError) {
            long heapMb = Runtime.getRuntime().maxMemory() >> 20;
            return "Reading " + chunk + " ran out of memory (" + cause.getMessage() + ", heap " + heapMb + " MB): its rows"
                    + " need more heap than this JVM has. Give java a bigger heap (-Xmx, e.g. java -Xmx1g -jar ...,"
                    + " or in JAVA_TOOL_OPTIONS), or fewer rows in memory at once (lower replicator.workers,"
                    + " replicator.fetch-size or replicator.batch-bytes), then run load --resume";
        }
        return "Reading " + chunk + " failed with a JVM error: " + cause;
    }
}
