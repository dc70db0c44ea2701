package org.camelreplicator.cli;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.camelreplicator.config.RoutesFolder;
import org.camelreplicator.support.Chinook;
import org.camelreplicator.support.Tables;
import org.camelreplicator.support.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Run from a folder without routes/, the replicator takes the route files it carries, each named
 * (a wildcard would have Camel walk every entry of the jar): the names are those of the routes
 * folder, a load from elsewhere runs them and says so, replicator.routes-dir runs a user's folder
 * instead, and a folder named there that does not exist is refused.
 */
class BuiltInRoutesTest {

    @TempDir
    Path dir;

    @Test
    void theBuiltInRoutesAreTheRoutesFolderAndALoadFromAnotherFolderRunsThem() throws Exception {
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            assertThat(files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".camel.yaml"))
                    .map(n -> n.substring(0, n.length() - ".camel.yaml".length())))
                    .containsExactlyInAnyOrderElementsOf(RoutesFolder.BUILT_IN);
        }

        String target = TestPostgres.newDatabase("built_in_routes");
        Run builtIn = load(target, "builtin");
        assertThat(builtIn.exitCode()).as(builtIn.output()).isZero();
        assertThat(builtIn.output()).contains("Routes: built into the jar (there is no folder " + dir.resolve("routes")
                + "; replicator.routes-dir names the folder of your edited routes)");
        try (var t = TestPostgres.connect(target)) {
            assertThat(Tables.count(t, "genre")).isEqualTo(25);
        }

        // a user's copy of the routes with a step of their own in one (run once per loaded table): that folder's routes run
        Path edited = Files.createDirectories(dir.resolve("my-routes"));
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            for (Path f : files.filter(f -> f.toString().endsWith(".camel.yaml")).toList()) {
                Files.copy(f, edited.resolve(f.getFileName()));
            }
        }
        String afterActions = Files.readString(edited.resolve("after-actions.camel.yaml"));
        String steps = "      uri: direct:after-load-table\n      steps:\n";
        assertThat(afterActions).contains(steps);
        Files.writeString(edited.resolve("after-actions.camel.yaml"), afterActions.replace(steps, steps + """
                        - log:
                            message: "the user's own step ran for ${body.source.name}"
                            loggingLevel: WARN
                """));
        Run own = load(target, "own", "--replicator.routes-dir=" + edited, "--reset");
        assertThat(own.exitCode()).as(own.output()).isZero();
        assertThat(own.output()).contains("Routes: " + edited + " (replicator.routes-dir)").contains("the user's own step ran for Genre");

        Run missing = load(target, "missing", "--replicator.routes-dir=" + dir.resolve("no-such-folder"), "--reset");
        assertThat(missing.exitCode()).as(missing.output()).isEqualTo(2);
        assertThat(missing.output()).contains("replicator.routes-dir=" + dir.resolve("no-such-folder") + " (command line): no such folder");
    }

    private record Run(int exitCode, String output) {
    }

    /** A load of Chinook's Genre table by a JVM whose working folder is the test's folder (no routes/ there). */
    private Run load(String target, String name, String... extra) throws Exception {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> classpathEntries = Stream.of(classpath.split(File.pathSeparator)).map(e -> Path.of(e).toAbsolutePath().toString()).toList();
        List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", String.join(File.pathSeparator, classpathEntries), ReplicatorCli.class.getName(), "load",
                "--source.url=jdbc:sqlite:" + Chinook.sqlite().toAbsolutePath(), "--target.url=" + target, "--target.username=postgres",
                "--tables=Genre", "--replicator.data-dir=" + dir.resolve("data")));
        command.addAll(List.of(extra));
        Path log = dir.resolve(name + ".log");
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as(name + " ends").isTrue();
        return new Run(p.exitValue(), Files.readString(log));
    }
}
