package org.camelreplicator.support;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real application in a JVM of its own, started from the project folder with the test
 * classpath, so a test can kill it with SIGKILL or SIGTERM like an operator or an OOM killer would.
 */
public final class ReplicatorProcess {

    private final Process process;
    private final Path log;

    private ReplicatorProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    public static ReplicatorProcess start(Path logFile, List<String> args) {
        return start(logFile, args, java.util.Map.of());
    }

    /** Starts it with extra environment variables (settings can be given that way too). */
    public static ReplicatorProcess start(Path logFile, List<String> args, java.util.Map<String, String> environment) {
        return start(logFile, args, environment, List.of(), entry -> true, "512m");
    }

    /** Starts it with a maximum heap of {@code maxHeap} (as -Xmx takes it), to run it out of memory on purpose. */
    public static ReplicatorProcess startWithHeap(Path logFile, List<String> args, String maxHeap) {
        return start(logFile, args, java.util.Map.of(), List.of(), entry -> true, maxHeap);
    }

    /**
     * Starts it as the leader of a process group of its own (setsid), as a shell starts a
     * foreground command: {@link #interruptProcessGroup()} is then what Ctrl-C at a terminal does.
     */
    public static ReplicatorProcess startInOwnProcessGroup(Path logFile, List<String> args) {
        // a terminal's foreground command gets SIGINT's default disposition; a CI job started in the
        // background inherits SIGINT ignored, and the JVM then cannot handle it: perl resets it first
        return start(logFile, args, java.util.Map.of(),
                List.of("setsid", "perl", "-e", "$SIG{INT} = 'DEFAULT'; exec @ARGV or die \"exec: $!\"", "--"), entry -> true, "512m");
    }

    /** Starts it with the class path entries {@code keep} accepts: the jar's drivers without a test-only one. */
    public static ReplicatorProcess startWithClasspath(Path logFile, List<String> args, java.util.function.Predicate<String> keep) {
        return start(logFile, args, java.util.Map.of(), List.of(), keep, "512m");
    }

    private static ReplicatorProcess start(Path logFile, List<String> args, java.util.Map<String, String> environment,
                                           List<String> prefix, java.util.function.Predicate<String> keep, String maxHeap) {
        String classpath = String.join(File.pathSeparator, java.util.Arrays.stream(System.getProperty("surefire.test.class.path",
                System.getProperty("java.class.path")).split(File.pathSeparator)).filter(keep).toList());
        List<String> command = new ArrayList<>(prefix);
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx" + maxHeap);
        command.add("-cp");
        command.add(classpath);
        command.add("org.camelreplicator.cli.ReplicatorCli");
        command.addAll(args);
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(new File(".").getAbsoluteFile())
                    .redirectErrorStream(true).redirectOutput(logFile.toFile());
            builder.environment().putAll(environment);
            Process p = builder.start();
            return new ReplicatorProcess(p, logFile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** SIGKILL: no shutdown hook, no rollback by the JVM; the servers see the connections drop. */
    public int kill() throws InterruptedException {
        process.destroyForcibly();
        return process.waitFor();
    }

    /** SIGTERM, then the seconds until the process is gone (at most {@code limitSeconds}, else it is killed). */
    public double terminate(long limitSeconds) throws InterruptedException {
        long start = System.nanoTime();
        process.destroy();
        if (!process.waitFor(limitSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            return Double.POSITIVE_INFINITY;
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /** Sends SIGTERM and returns at once. */
    public void signalTerm() {
        process.destroy();
    }

    /** SIGINT to every process of its group, as Ctrl-C at a terminal does (see {@link #startInOwnProcessGroup}). */
    public void interruptProcessGroup() throws IOException, InterruptedException {
        // setsid execs the JVM, so its pid is the group's id
        Process kill = new ProcessBuilder("kill", "-INT", "--", "-" + process.pid()).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill -INT -" + process.pid() + " failed with status " + kill.exitValue());
        }
    }

    public int waitFor(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            String threads = threadDump();
            process.destroyForcibly().waitFor();
            throw new IllegalStateException("The replicator did not finish within " + seconds + " s; its output:\n" + output()
                    + "\nits threads:\n" + threads);
        }
        return process.exitValue();
    }

    /** Where a process that does not end is stuck: jstack's dump of its threads. */
    private String threadDump() {
        try {
            Process jstack = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jstack").toString(),
                    Long.toString(process.pid())).redirectErrorStream(true).start();
            String dump = new String(jstack.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            jstack.waitFor(30, TimeUnit.SECONDS);
            return dump;
        } catch (IOException e) {
            return "(jstack failed: " + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "(interrupted)";
        }
    }

    public int exitValue() {
        return process.exitValue();
    }

    public String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }
}
