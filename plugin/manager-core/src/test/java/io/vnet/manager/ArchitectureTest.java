package io.vnet.manager;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.vnet.manager.adapt.AdaptationSettings;
import io.vnet.manager.agents.AgentsConfig;
import io.vnet.manager.vttif.VttifSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The manager's shape, checked: one concern per package, and no concern reaches into another's
 * implementation (they meet through the service interfaces of {@code io.vnet.manager} and {@code
 * io.vnet.manager.config}); no bundle but the configuration service reads the configuration file;
 * and core's manifest lists exactly the fields its concerns read.
 */
class ArchitectureTest {
    /** Each concern's package, with what it holds. */
    static final Map<String, String> CONCERNS = Map.of(
            "io.vnet.manager.agents", "the agent channel, the registry and desired state",
            "io.vnet.manager.vttif", "VTTIF over the agents' reports",
            "io.vnet.manager.adapt", "VADAPT's closed loop",
            "io.vnet.manager.records", "what the manager keeps in its store",
            "io.vnet.manager.cluster", "which manager owns each network",
            "io.vnet.manager.config.impl", "the configuration service");
    static final List<String> API = List.of("io.vnet.manager", "io.vnet.manager.config");

    private static final JavaClasses CORE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.vnet.manager");

    @Test
    void noConcernReachesIntoAnother() {
        for (String concern : CONCERNS.keySet()) {
            String[] others = CONCERNS.keySet().stream().filter(c -> !c.equals(concern)).map(c -> c + "..")
                    .toArray(String[]::new);
            noClasses().that().resideInAPackage(concern + "..").should().dependOnClassesThat().resideInAnyPackage(others)
                    .because(concern + " holds " + CONCERNS.get(concern) + " and meets the others through services only")
                    .check(CORE);
        }
    }

    @Test
    void theServiceInterfacesKnowNoImplementation() {
        String[] concerns = CONCERNS.keySet().stream().map(c -> c + "..").toArray(String[]::new);
        noClasses().that().resideInAnyPackage(API.toArray(String[]::new)).should().dependOnClassesThat()
                .resideInAnyPackage(concerns).check(CORE);
    }

    @Test
    void everyClassOfCoreIsInAConcernOrTheApi() {
        List<String> stray = new ArrayList<>();
        CORE.stream().filter(c -> c.getPackageName().startsWith("io.vnet.manager"))
                .filter(c -> !c.getPackageName().startsWith("io.vnet.manager.store"))
                .filter(c -> !API.contains(c.getPackageName()) && !CONCERNS.containsKey(c.getPackageName()))
                .forEach(c -> stray.add(c.getName()));
        assertEquals(List.of(), stray, "classes outside the concerns " + CONCERNS.keySet() + " and the API " + API);
    }

    /** No main source of the manager's bundles but the configuration service names the file's property. */
    @Test
    void onlyTheConfigurationServiceReadsTheFile() throws IOException {
        Path plugin = Path.of("..").toAbsolutePath().normalize();
        List<String> readers = new ArrayList<>();
        try (Stream<Path> files = Files.walk(plugin)) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> p.toString().contains("/src/main/java/"))
                    .filter(p -> !p.toString().contains("/io/vnet/manager/config/"))::iterator) {
                String text = Files.readString(f);
                if (text.contains("\"vnet.manager.config\"") || text.contains("getProperty(ManagerConfiguration.PROPERTY")
                        || text.contains("getProperty(io.vnet.manager.config.ManagerConfiguration.PROPERTY")) {
                    readers.add(plugin.relativize(f).toString());
                }
            }
        }
        assertEquals(List.of(), readers, "these read the configuration file's property themselves");
    }

    /** The manifest's list of owned fields (bnd.bnd) is what core's concerns read, so a new field cannot be forgotten. */
    @Test
    void coreOwnsTheFieldsItsConcernsRead() throws IOException {
        String header = Files.readAllLines(Path.of("bnd.bnd")).stream()
                .filter(l -> l.startsWith(io.vnet.manager.config.ManagerConfiguration.FIELDS_HEADER + ":")).findFirst()
                .orElseThrow();
        TreeSet<String> listed = new TreeSet<>();
        Arrays.stream(header.substring(header.indexOf(':') + 1).split(",")).map(String::strip).forEach(listed::add);
        TreeSet<String> read = new TreeSet<>(AgentsConfig.FIELDS);
        read.add(VttifSettings.FIELD);
        read.addAll(AdaptationSettings.OWNED);
        read.add(io.vnet.manager.cluster.ClusterConfig.FIELD);
        assertEquals(read, listed);
        assertTrue(listed.stream().noneMatch(f -> List.of("auth", "cloudstack", "libvirt").contains(f)),
                "core names none of its plugins' fields: " + listed);
    }
}
