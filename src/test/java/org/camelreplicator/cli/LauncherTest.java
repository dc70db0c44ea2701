package org.camelreplicator.cli;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.camelreplicator.support.SampleTables;
import org.camelreplicator.support.Tables;
import org.camelreplicator.support.TestPostgres;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code java -jar} without a heap setting: the jar's entry point runs the command in a second JVM
 * with a bounded heap, and the two behave as one process (exit status, SIGTERM, SIGKILL).
 */
class LauncherTest {

    static final long ROWS = 300_000;

    @TempDir
    Path dir;

    static String source;
    String target;

    @BeforeAll
    static void source() throws SQLException {
        source = TestPostgres.newDatabase("launcher_source");
        try (Connection c = TestPostgres.connect(source)) {
            SampleTables.createItems(c, "items", ROWS);
        }
    }

    @BeforeEach
    void emptyTarget() {
        target = TestPostgres.newDatabase("launcher_target");
    }

    @Test
    void withoutAHeapSettingTheCommandRunsInAWorkerWithTheBoundedHeap() throws Exception {
        Process launcher = launch("load", "--workers=1");
        ProcessHandle worker = worker(launcher);
        // the worker's command line (read from /proc: ProcessHandle.Info leaves out very long ones) shows once its exec is through
        Path cmdline = Path.of("/proc", String.valueOf(worker.pid()), "cmdline");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(new String(Files.readAllBytes(cmdline), java.nio.charset.StandardCharsets.UTF_8).split("\0"))
                        .contains(Launcher.HEAP, "-Dreplicator.launcher.parent=" + launcher.pid()));

        assertThat(launcher.waitFor(180, TimeUnit.SECONDS)).as(output()).isTrue();
        assertThat(launcher.exitValue()).as(output()).isZero();
        assertThat(output()).contains("Load summary");
        assertTargetEqualsSource();
    }

    @Test
    void theWorkersExitStatusIsTheLaunchers() throws Exception {
        Process launcher = launch("load", "--workers=0");
        assertThat(launcher.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(launcher.exitValue()).as(output()).isEqualTo(2);
        assertThat(output()).contains("replicator.workers");
    }

    @Test
    void sigtermToTheLauncherStopsTheWorkerGracefully() throws Exception {
        Process launcher = launch("load", "--workers=1", "--chunk-rows=30000", "--batch-rows=1000");
        worker(launcher);
        awaitChunks("status = 'done'", launcher);
        launcher.destroy();
        assertThat(launcher.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(launcher.exitValue()).as(output()).isEqualTo(143);
        try (Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.text(t, "SELECT status FROM replicator.runs")).isEqualTo("stopped");
        }
    }

    @Test
    void aKilledLauncherTakesItsWorkerWithItAndTheRunResumes() throws Exception {
        Process launcher = launch("load", "--workers=1", "--chunk-rows=30000", "--batch-rows=1000");
        ProcessHandle worker = worker(launcher);
        awaitChunks("status = 'done'", launcher);
        launcher.destroyForcibly().waitFor();
        assertThat(worker.onExit().get(30, TimeUnit.SECONDS).isAlive()).isFalse();

        Process resumed = launch("load", "--resume");
        assertThat(resumed.waitFor(180, TimeUnit.SECONDS)).isTrue();
        assertThat(resumed.exitValue()).as(output()).isZero();
        assertTargetEqualsSource();
    }

    @Test
    void heapSettingsAreRecognisedOnTheCommandLineAndInTheEnvironmentsOptions() {
        assertThat(Launcher.heapChosen(List.of("-Xmx2g"))).isTrue();
        assertThat(Launcher.heapChosen(List.of("-Dx=y", "-XX:MaxRAMPercentage=10"))).isTrue();
        assertThat(Launcher.heapChosen(List.of("-Dx=y", "-XX:+UseSerialGC"))).isFalse();
    }

    private Process launch(String... command) throws Exception {
        List<String> line = new ArrayList<>();
        line.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        line.add("-cp");
        line.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
        line.add(Launcher.class.getName());
        line.addAll(List.of(command));
        line.addAll(List.of("--source.url=" + source, "--source.username=postgres", "--target.url=" + target,
                "--target.username=postgres", "--replicator.data-dir=" + dir));
        ProcessBuilder builder = new ProcessBuilder(line).directory(new File(".").getAbsoluteFile())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("out.log").toFile()));
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        builder.environment().remove("JDK_JAVA_OPTIONS");
        return builder.start();
    }

    private ProcessHandle worker(Process launcher) {
        return await().atMost(Duration.ofSeconds(60)).until(() -> launcher.children().findFirst(), Optional::isPresent).get();
    }

    private void awaitChunks(String where, Process launcher) {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(20)).ignoreExceptions()
                .failFast("the launcher exited: " + dir, () -> !launcher.isAlive())
                .until(() -> {
                    try (Connection t = TestPostgres.connect(target)) {
                        return Tables.single(t, "SELECT COUNT(*) FROM replicator.chunks WHERE " + where) > 0;
                    }
                });
    }

    private void assertTargetEqualsSource() throws SQLException {
        try (Connection s = TestPostgres.connect(source); Connection t = TestPostgres.connect(target)) {
            assertThat(Tables.count(t, "items")).isEqualTo(ROWS);
            assertThat(Tables.contentHash(t, "items", "id")).isEqualTo(Tables.contentHash(s, "items", "id"));
        }
    }

    private String output() throws java.io.IOException {
        Path log = dir.resolve("out.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }
}
