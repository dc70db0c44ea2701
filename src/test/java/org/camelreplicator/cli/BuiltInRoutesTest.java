package org.camelreplicator.cli;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.camelreplicator.support.Chinook;
import org.camelreplicator.support.Tables;
import org.camelreplicator.support.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Run from a folder without routes/, the replicator takes the route files it carries, each named
 * (a wildcard would have Camel walk every entry of the jar): the names are those of the routes
 * folder, and a load from elsewhere runs them.
 */
class BuiltInRoutesTest {

    @TempDir
    Path dir;

    @Test
    void theBuiltInRoutesAreTheRoutesFolderAndALoadFromAnotherFolderRunsThem() throws Exception {
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            assertThat(files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".camel.yaml"))
                    .map(n -> n.substring(0, n.length() - ".camel.yaml".length())))
                    .containsExactlyInAnyOrderElementsOf(ReplicatorRuntime.BUILT_IN_ROUTES);
        }

        String target = TestPostgres.newDatabase("built_in_routes");
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> classpathEntries = Stream.of(classpath.split(File.pathSeparator)).map(e -> Path.of(e).toAbsolutePath().toString()).toList();
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-cp",
                String.join(File.pathSeparator, classpathEntries), ReplicatorCli.class.getName(), "load",
                "--source.url=jdbc:sqlite:" + Chinook.sqlite().toAbsolutePath(), "--target.url=" + target, "--target.username=postgres",
                "--tables=Genre", "--replicator.data-dir=" + dir.resolve("data"))
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("out.log").toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String output = Files.readString(dir.resolve("out.log"));
        assertThat(p.exitValue()).as(output).isZero();
        try (var t = TestPostgres.connect(target)) {
            assertThat(Tables.count(t, "genre")).isEqualTo(25);
        }
    }
}
