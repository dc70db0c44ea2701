package org.camelreplicator.cli;

import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGTERM and Ctrl-C (SIGINT). The first asks the running command to stop and lets it end in order:
 * running chunks roll back at their next batch, the run is marked stopped in the ledger, then Camel,
 * the connection pools and last the embedded PostgreSQL stop, and the command answers its exit
 * status (130 after SIGINT, 143 after SIGTERM: 128 + the signal's number, as shells report it).
 * Exiting from the signal instead would run the JVM's shutdown hooks all at once, and the embedded
 * server or an H2 database would close under the run. The second signal ends the process at once;
 * what did not commit is rolled back by the server.
 */
final class StopSignals {

    private static final Logger LOG = LoggerFactory.getLogger(StopSignals.class);
    private static final AtomicReference<String> received = new AtomicReference<>();
    private static final List<Runnable> stoppers = new CopyOnWriteArrayList<>();

    private StopSignals() {
    }

    /** Handles TERM and INT from now on, in place of the JVM's exit. */
    static void install() {
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> received(name));
            } catch (IllegalArgumentException unsupported) {
                LOG.debug("Signal {} cannot be handled here; the JVM's default applies", name);
            }
        }
    }

    private static void received(String name) {
        if (!received.compareAndSet(null, name)) {
            System.err.println("Second " + name + ": exiting now; load --resume continues the run");
            Runtime.getRuntime().halt(status(name));
        }
        if (stoppers.isEmpty()) {
            // nothing is running that could stop in order (the command line is being read, or the command is over)
            new Thread(() -> System.exit(status(name)), "replicator-exit").start();
            return;
        }
        LOG.warn("Stopping: SIG{} received. Running chunks roll back at their next batch, the run is marked stopped;"
                + " load --resume continues it. A second signal exits at once.", name);
        stoppers.forEach(Runnable::run);
    }

    /** While the returned registration is open, a first signal runs {@code stop} instead of exiting the JVM. */
    static Registration onStop(Runnable stop) {
        stoppers.add(stop);
        if (received.get() != null) {
            stop.run();
        }
        return () -> stoppers.remove(stop);
    }

    /** The exit status a stop signal calls for: 130 (INT) or 143 (TERM); empty when none came. */
    static OptionalInt exitStatus() {
        String name = received.get();
        return name == null ? OptionalInt.empty() : OptionalInt.of(status(name));
    }

    private static int status(String name) {
        return name.equals("TERM") ? 143 : 130;
    }

    /** Ends a registration of {@link #onStop}. */
    interface Registration extends AutoCloseable {
        @Override
        void close();
    }
}
