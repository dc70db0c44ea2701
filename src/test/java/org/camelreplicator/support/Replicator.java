package org.camelreplicator.support;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.camelreplicator.cli.ReplicatorCli;

/**
 * Runs the real command line in this JVM, from the project folder (so with its routes/ and
 * application.properties), with the given source and target.
 */
public final class Replicator {

    private final List<String> base = new ArrayList<>();

    private Replicator() {
    }

    public static Replicator between(String sourceUrl, String sourceUser, String targetUrl, Path dataDir) {
        Replicator r = new Replicator();
        r.base.add("--source.url=" + sourceUrl);
        r.base.add("--source.username=" + sourceUser);
        r.base.add("--target.url=" + targetUrl);
        r.base.add("--target.username=postgres");
        r.base.add("--replicator.data-dir=" + dataDir);
        return r;
    }

    /** Into a target, with the zero-setup demo source. */
    public static Replicator demoInto(String targetUrl, Path dataDir) {
        Replicator r = new Replicator();
        r.base.add("--target.url=" + targetUrl);
        r.base.add("--target.username=postgres");
        r.base.add("--replicator.data-dir=" + dataDir);
        return r;
    }

    /** The same databases with more settings for every command. */
    public Replicator with(String... settings) {
        Replicator r = new Replicator();
        r.base.addAll(base);
        r.base.addAll(List.of(settings));
        return r;
    }

    /** Runs a command: the command name, then its own options; answers the exit status and output. */
    public Result run(String command, String... options) {
        List<String> args = new ArrayList<>();
        args.add(command);
        args.addAll(base);
        args.addAll(List.of(options));
        return execute(args.toArray(String[]::new));
    }

    /** Runs exactly these arguments, capturing what the process would print. */
    public static synchronized Result execute(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        try (PrintStream o = new PrintStream(new Tee(outBytes, out), true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(new Tee(errBytes, err), true, StandardCharsets.UTF_8)) {
            System.setOut(o);
            System.setErr(e);
            int code = ReplicatorCli.execute(args);
            return new Result(code, outBytes.toString(StandardCharsets.UTF_8), errBytes.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    public record Result(int exitCode, String out, String err) {
        public String all() {
            return out + err;
        }
    }

    /** Copies to the capture and to the real stream, so test logs still show the run. */
    private static final class Tee extends java.io.OutputStream {
        private final java.io.OutputStream a;
        private final java.io.OutputStream b;

        Tee(java.io.OutputStream a, java.io.OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int c) throws java.io.IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public void write(byte[] buf, int off, int len) throws java.io.IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }
    }
}
