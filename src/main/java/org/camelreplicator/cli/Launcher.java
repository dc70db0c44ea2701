package org.camelreplicator.cli;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The jar's entry point ({@code java -jar camel-replicator.jar}). A JVM started without a heap
 * setting takes up to a quarter of the machine's memory and, with a copy's steady allocation,
 * grows towards it (359-923 MB resident on a 24 GB machine, issue 12), although a copy needs a few
 * fetches and batches per worker. A jar's manifest cannot set the heap, so when none was chosen
 * ({@code -Xmx}, {@code -XX:MaxRAM...}, also through JAVA_TOOL_OPTIONS or JDK_JAVA_OPTIONS) this
 * starts the same java again with {@value #HEAP} and the same arguments, waits for it and exits
 * with its status; with a heap setting it runs the command in this JVM, as before.
 *
 * <p>The two processes behave as one: output is shared; Ctrl-C reaches both (the terminal signals
 * the whole process group), so this one ignores it and lets the worker stop; SIGTERM sent to this
 * one is passed on to the worker; and if this one is killed outright (SIGKILL), the worker halts
 * at once as a killed replicator would, leaving what did not commit to be rolled back by the
 * servers and resumed with {@code load --resume}.
 */
public final class Launcher {

    /** Enough for the default four workers' fetches, batches and buffers, with room to spare. */
    static final String HEAP = "-Xmx192m";

    /** Set on the worker JVM: the launcher's process id. */
    static final String PARENT = "replicator.launcher.parent";

    private Launcher() {
    }

    public static void main(String[] args) throws InterruptedException {
        List<String> jvm = ManagementFactory.getRuntimeMXBean().getInputArguments();
        String parent = System.getProperty(PARENT);
        if (parent != null) {
            haltWhenGone(Long.parseLong(parent));
        } else if (!heapChosen(jvm)) {
            ClassDataSharing sharing = ClassDataSharing.forJar(System.getProperty("java.class.path"), args, jvm);
            Process worker = startWorker(jvm, args, sharing.flags());
            if (worker != null) {
                passSignalsTo(worker);
                int status = worker.waitFor();
                sharing.keepArchive();
                System.exit(status);
            }
        }
        ReplicatorCli.main(args);
    }

    static boolean heapChosen(List<String> jvmArguments) {
        return jvmArguments.stream().anyMatch(a -> a.startsWith("-Xmx") || a.startsWith("-XX:MaxHeapSize")
                || a.startsWith("-XX:MaxRAM") || a.startsWith("-Xms") || a.startsWith("-XX:InitialHeapSize"));
    }

    /** The same java, arguments and class path with the bounded heap; null when it cannot start (then this JVM does the work). */
    private static Process startWorker(List<String> jvm, String[] args, List<String> sharing) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add(HEAP);
        command.addAll(sharing);
        command.addAll(jvm);
        command.add("-D" + PARENT + "=" + ProcessHandle.current().pid());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Launcher.class.getName());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
        // their options are already among this JVM's arguments, passed on above
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        builder.environment().remove("JDK_JAVA_OPTIONS");
        try {
            return builder.start();
        } catch (IOException e) {
            System.err.println("Could not start the replicator with " + HEAP + " (" + e.getMessage()
                    + "); running with the JVM's default heap. Give java -Xmx... to choose it.");
            return null;
        }
    }

    private static void passSignalsTo(Process worker) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("INT"), sun.misc.SignalHandler.SIG_IGN);
            sun.misc.Signal.handle(new sun.misc.Signal("TERM"), signal -> worker.destroy());
        } catch (IllegalArgumentException unsupported) {
            // a platform without these signals: the JVM's defaults apply
        }
    }

    private static void haltWhenGone(long parent) {
        ProcessHandle.of(parent).ifPresentOrElse(
                p -> p.onExit().thenRun(Launcher::launcherGone),
                Launcher::launcherGone);
    }

    private static void launcherGone() {
        System.err.println("The launcher process ended without this worker: stopping at once;"
                + " load --resume continues the run");
        Runtime.getRuntime().halt(137);
    }
}
