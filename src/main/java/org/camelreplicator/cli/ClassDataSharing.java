package org.camelreplicator.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Set;

/**
 * Start-up of the worker JVM with the JDK's class-data sharing: the first run of a command that
 * loads the whole application archives the classes it loaded ({@code -XX:ArchiveClassesAtExit}),
 * and later runs map that archive instead of loading and verifying some 7,600 classes from the jar
 * again (a one-table load: 3.6 s without, 2.7 s with, on the issue-12 machine). The archive is
 * made for one jar and one JVM build, so its name holds both; it lives in the user's cache
 * ({@code $XDG_CACHE_HOME} or {@code ~/.cache}, {@code camel-replicator/}). Without a writable cache,
 * or run from classes rather than the jar, nothing changes. The JVM's own CDS messages are off:
 * an archive it cannot use is simply not used.
 *
 * <p>Not with a flight recording or an agent ({@code -XX:StartFlightRecording}, {@code -javaagent},
 * {@code -agentlib}, {@code -agentpath}): JDK 17 crashes (SIGSEGV in
 * {@code KlassFactory::check_shared_class_file_load_hook}) when a class-file load hook meets a class
 * from a dynamic archive, as a load under {@code java -XX:StartFlightRecording -jar} did.
 */
final class ClassDataSharing {

    /** Commands that start Camel and the databases: their classes are the ones worth archiving. */
    private static final Set<String> ARCHIVED_BY = Set.of("load", "sync", "verify", "schema", "status", "serve");
    private static final List<String> QUIET = List.of("-Xlog:cds=off,cds+dynamic=off");
    private static final int KEPT = 3;
    private static final List<String> CLASS_FILE_HOOKS = List.of("-XX:StartFlightRecording", "-XX:+FlightRecorder", "-javaagent:",
            "-agentlib:", "-agentpath:");

    private final Path archive;
    private final Path writing;

    private ClassDataSharing(Path archive, Path writing) {
        this.archive = archive;
        this.writing = writing;
    }

    static ClassDataSharing forJar(String classPath, String[] args, List<String> jvmArguments) {
        if (jvmArguments.stream().anyMatch(a -> CLASS_FILE_HOOKS.stream().anyMatch(a::startsWith))) {
            return new ClassDataSharing(null, null);
        }
        try {
            Path jar = Path.of(classPath);
            if (classPath.contains(java.io.File.pathSeparator) || !classPath.endsWith(".jar") || !Files.isRegularFile(jar)) {
                return new ClassDataSharing(null, null);
            }
            Path cache = cacheFolder();
            Files.createDirectories(cache);
            String key = Long.toHexString(Files.size(jar)) + "-" + Long.toHexString(Files.getLastModifiedTime(jar).toMillis()) + "-"
                    + System.getProperty("java.vm.version").replaceAll("[^A-Za-z0-9.+-]", "_");
            Path archive = cache.resolve("camel-replicator-" + key + ".jsa");
            if (Files.isRegularFile(archive)) {
                return new ClassDataSharing(archive, null);
            }
            if (args.length == 0 || !ARCHIVED_BY.contains(args[0]) || !Files.isWritable(cache)) {
                return new ClassDataSharing(null, null);
            }
            // each first run writes an archive of its own; the launcher keeps one when the worker is done
            return new ClassDataSharing(archive, cache.resolve(archive.getFileName() + "." + ProcessHandle.current().pid() + ".tmp"));
        } catch (IOException | RuntimeException e) {
            return new ClassDataSharing(null, null);
        }
    }

    /** Every rebuilt jar gets an archive of about 40 MB: the newest {@value #KEPT} stay, older ones go. */
    private static void dropOldArchives(Path cache) throws IOException {
        List<Path> archives;
        try (var files = Files.list(cache)) {
            archives = files.filter(f -> f.getFileName().toString().matches("camel-replicator-.*\\.jsa"))
                    .sorted(java.util.Comparator.comparing(ClassDataSharing::modified).reversed()).toList();
        }
        for (Path old : archives.subList(Math.min(KEPT, archives.size()), archives.size())) {
            Files.deleteIfExists(old);
        }
    }

    private static java.nio.file.attribute.FileTime modified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return java.nio.file.attribute.FileTime.fromMillis(0);
        }
    }

    private static Path cacheFolder() {
        String configured = System.getProperty("replicator.cds-dir");
        if (configured != null) {
            return Path.of(configured);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("camel-replicator");
    }

    /** The worker JVM's options: map the archive, or write it at exit, or nothing. */
    List<String> flags() {
        if (archive == null) {
            return List.of();
        }
        List<String> flags = new java.util.ArrayList<>(QUIET);
        flags.add(writing == null ? "-XX:SharedArchiveFile=" + archive : "-XX:ArchiveClassesAtExit=" + writing);
        return flags;
    }

    /** After the worker: an archive it wrote becomes the one later runs use (the first to finish wins). */
    void keepArchive() {
        if (writing == null || !Files.isRegularFile(writing)) {
            return;
        }
        try {
            if (Files.isRegularFile(archive)) {
                Files.delete(writing);
            } else {
                Files.move(writing, archive, StandardCopyOption.ATOMIC_MOVE);
                dropOldArchives(archive.getParent());
            }
        } catch (IOException e) {
            try {
                Files.deleteIfExists(writing);
            } catch (IOException ignored) {
                // a stray temporary archive in the cache folder does no harm
            }
        }
    }
}
