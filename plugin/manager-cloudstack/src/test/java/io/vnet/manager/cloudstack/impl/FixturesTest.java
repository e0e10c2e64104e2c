package io.vnet.manager.cloudstack.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every fixture names its CloudStack version and the source of its shape in FIXTURES.md. */
class FixturesTest {
    @Test
    void everyFixtureIsListedWithItsVersionAndSource() throws IOException {
        Path folder = Fixtures.folder();
        Map<String, String[]> rows = new HashMap<>();
        for (String line : Files.readAllLines(folder.resolve("FIXTURES.md"))) {
            if (!line.startsWith("| ") || line.startsWith("| file ") || line.startsWith("|---")) {
                continue;
            }
            String[] cells = line.substring(1, line.length() - 1).split(" \\| ", 3);
            rows.put(cells[0].strip(), cells);
        }
        List<String> files;
        try (Stream<Path> s = Files.walk(folder)) {
            files = s.filter(p -> p.toString().endsWith(".json")).map(p -> folder.relativize(p).toString()).sorted().toList();
        }
        assertTrue(files.size() >= 25, "the fixtures are found: " + files);
        for (String f : files) {
            String[] row = rows.get(f);
            assertTrue(row != null, f + " is not listed in FIXTURES.md");
            assertEquals(3, row.length, f + ": expected | file | version | source |");
            assertFalse(row[1].isBlank(), f + ": no CloudStack version in FIXTURES.md");
            assertTrue(row[1].strip().startsWith(f.substring(0, f.indexOf('/'))),
                    f + ": the version '" + row[1] + "' is not that of its folder");
            assertTrue(row[2].strip().length() > 10, f + ": no source of its shape in FIXTURES.md");
        }
        for (String listed : rows.keySet()) {
            assertTrue(files.contains(listed), "FIXTURES.md lists " + listed + ", which does not exist");
        }
    }
}
