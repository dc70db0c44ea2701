package org.camelreplicator.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The launcher's class-data sharing: a first load writes an archive of its own, which the launcher
 * keeps once the worker is done; later runs map it; help archives nothing; a rebuilt jar gets an
 * archive of its own; classes run from folders get no option at all.
 */
class ClassDataSharingTest {

    @TempDir
    Path dir;

    @AfterEach
    void defaultCache() {
        System.clearProperty("replicator.cds-dir");
    }

    @Test
    void theFirstLoadArchivesTheClassesAndLaterRunsMapThem() throws Exception {
        System.setProperty("replicator.cds-dir", dir.resolve("cache").toString());
        Path jar = Files.writeString(dir.resolve("camel-replicator.jar"), "a jar");

        assertThat(ClassDataSharing.forJar(jar.toString(), new String[] {"help"}, List.of()).flags()).as("help archives nothing").isEmpty();

        ClassDataSharing first = ClassDataSharing.forJar(jar.toString(), new String[] {"load", "--resume"}, List.of());
        List<String> writing = first.flags();
        assertThat(writing).contains("-Xlog:cds=off,cds+dynamic=off").anyMatch(f -> f.startsWith("-XX:ArchiveClassesAtExit="));
        // the worker JVM writes its archive at exit
        Files.writeString(Path.of(writing.get(1).substring("-XX:ArchiveClassesAtExit=".length())), "classes");
        first.keepArchive();

        List<String> mapping = ClassDataSharing.forJar(jar.toString(), new String[] {"status"}, List.of()).flags();
        assertThat(mapping).anyMatch(f -> f.startsWith("-XX:SharedArchiveFile="));
        Path archive = Path.of(mapping.get(1).substring("-XX:SharedArchiveFile=".length()));
        assertThat(Files.readString(archive)).isEqualTo("classes");
        try (var left = Files.list(dir.resolve("cache"))) {
            assertThat(left.filter(p -> p.toString().endsWith(".tmp"))).as("no temporary archive left").isEmpty();
        }

        Files.writeString(jar, "a rebuilt jar");
        assertThat(ClassDataSharing.forJar(jar.toString(), new String[] {"load"}, List.of()).flags())
                .as("another jar, another archive").anyMatch(f -> f.startsWith("-XX:ArchiveClassesAtExit="));
        // builds come and go: the newest three archives stay
        for (int build = 0; build < 4; build++) {
            Files.writeString(jar, "build " + "x".repeat(build));
            ClassDataSharing next = ClassDataSharing.forJar(jar.toString(), new String[] {"load"}, List.of());
            Files.writeString(Path.of(next.flags().get(1).substring("-XX:ArchiveClassesAtExit=".length())), "classes " + build);
            next.keepArchive();
        }
        try (var left = Files.list(dir.resolve("cache"))) {
            assertThat(left.filter(p -> p.toString().endsWith(".jsa"))).hasSize(3);
        }
        assertThat(ClassDataSharing.forJar("target/classes" + java.io.File.pathSeparator + jar, new String[] {"load"}, List.of()).flags())
                .as("classes from folders").isEmpty();
        for (String hook : List.of("-XX:StartFlightRecording=filename=run.jfr", "-javaagent:agent.jar", "-agentlib:jdwp=transport=dt_socket")) {
            assertThat(ClassDataSharing.forJar(jar.toString(), new String[] {"load"}, List.of("-Dx=1", hook)).flags())
                    .as("JDK 17 crashes when a class-file load hook meets an archived class: no archive with " + hook).isEmpty();
        }
    }
}
