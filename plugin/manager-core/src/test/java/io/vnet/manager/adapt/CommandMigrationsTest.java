package io.vnet.manager.adapt;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vnet.api.MacAddress;
import io.vnet.api.NetworkId;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The configured migration command (moved here from ManagerConfigTest with the closed loop's package). */
class CommandMigrationsTest {
    @Test
    void aMigrationCommandThatFailsSaysWhy() {
        CommandMigrations m = new CommandMigrations(List.of("sh", "-c", "echo no room on $0 >&2; exit 3", "{to}"), 5000);
        Exception e = assertThrows(Exception.class, () -> m.migrate(NetworkId.of(1), MacAddress.parse("02:00:00:00:00:01"),
                "h1", "h2"));
        assertTrue(e.getMessage().contains("exit 3") && e.getMessage().contains("no room on h2"), e.getMessage());
    }
}
