package org.camelreplicator;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rooms of docs/ARCHITECTURE.md as the compiled classes have them: each package of
 * {@code org.camelreplicator} is a layer and uses only the layers below it, so no import runs back
 * up and the packages form no cycle. Read from the compiled classes, so a compile-time constant used
 * across packages (inlined by javac) is not seen.
 */
class PackageLayersTest {

    /** Bottom to top. */
    private static final List<String> LAYERS = List.of("config", "embedded", "catalog", "dialect", "plan", "ledger", "observe", "run",
            "schema", "copy", "transform", "sync", "verify", "stream", "bench", "app", "cli");

    /**
     * Packages that talk to pgjdbc directly today; the aim is dialect alone (issue 17 point 3), and embedded,
     * which is a PostgreSQL server.
     */
    private static final Set<String> PGJDBC_STILL = Set.of("copy", "embedded", "stream");

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("org.camelreplicator");
    }

    @Test
    void everyPackageIsALayerAndNoImportRunsUpOne() {
        Set<String> rooms = new TreeSet<>();
        Map<String, Set<String>> upward = new TreeMap<>();
        for (JavaClass c : classes) {
            String from = room(c);
            rooms.add(from);
            for (Dependency d : c.getDirectDependenciesFromSelf()) {
                String to = room(d.getTargetClass());
                if (to != null && !to.equals(from) && LAYERS.indexOf(from) < LAYERS.indexOf(to)) {
                    upward.computeIfAbsent(from + " -> " + to, k -> new TreeSet<>())
                            .add(c.getSimpleName() + " -> " + d.getTargetClass().getSimpleName());
                }
            }
        }
        assertThat(rooms).as("packages of org.camelreplicator; a new one takes its place in LAYERS").isSubsetOf(LAYERS);
        assertThat(upward).as("imports that run up a layer (from -> to: the classes)").isEmpty();
    }

    @Test
    void debeziumStaysInTheStreamAndOnlyTheCommandLineStartsIt() {
        Map<String, Set<String>> debezium = new TreeMap<>();
        Map<String, Set<String>> stream = new TreeMap<>();
        for (JavaClass c : classes) {
            for (Dependency d : c.getDirectDependenciesFromSelf()) {
                String target = d.getTargetClass().getPackageName();
                if (target.startsWith("io.debezium") && !"stream".equals(room(c))) {
                    debezium.computeIfAbsent(room(c), k -> new TreeSet<>()).add(c.getSimpleName());
                }
                if ("stream".equals(room(d.getTargetClass())) && !"stream".equals(room(c))) {
                    stream.computeIfAbsent(room(c), k -> new TreeSet<>()).add(c.getSimpleName());
                }
            }
        }
        assertThat(debezium).as("Debezium outside the stream package (its classes load only when stream runs)").isEmpty();
        assertThat(stream.keySet()).as("packages that reach the stream package: %s", stream).containsExactly("cli");
    }

    @Test
    void pgjdbcIsUsedOnlyWhereItStillIs() {
        Map<String, Set<String>> users = new TreeMap<>();
        for (JavaClass c : classes) {
            for (Dependency d : c.getDirectDependenciesFromSelf()) {
                if (d.getTargetClass().getPackageName().startsWith("org.postgresql") && !"dialect".equals(room(c))) {
                    users.computeIfAbsent(room(c), k -> new TreeSet<>()).add(c.getSimpleName());
                }
            }
        }
        assertThat(users.keySet()).as("packages besides dialect that use pgjdbc: %s", users).containsExactlyInAnyOrderElementsOf(PGJDBC_STILL);
    }

    /** The package right below org.camelreplicator a class lives in; null for a class of another library. */
    private static String room(JavaClass c) {
        String name = c.getPackageName();
        if (!name.startsWith("org.camelreplicator.")) {
            return null;
        }
        String rest = name.substring("org.camelreplicator.".length());
        int dot = rest.indexOf('.');
        return dot < 0 ? rest : rest.substring(0, dot);
    }
}
