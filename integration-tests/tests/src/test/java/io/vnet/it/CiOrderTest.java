package io.vnet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/** Every class CiOrder names exists (a misspelt one would silently run later), and only SoakIT runs beside the rest. */
class CiOrderTest {
    @Test
    void everyClassNamedIsAnIntegrationTestOfThisModule() throws Exception {
        for (String name : CiOrder.BESIDE_THE_SOAK) {
            Class<?> c = Class.forName("io.vnet.it." + name);
            assertTrue(name.endsWith("IT"), name);
            assertEquals(name.equals("SoakIT"), c.isAnnotationPresent(Execution.class)
                    && c.getAnnotation(Execution.class).value() == ExecutionMode.CONCURRENT, name + "'s @Execution");
        }
        assertEquals(0, CiOrder.rank("SoakIT"));
        assertEquals(CiOrder.BESIDE_THE_SOAK.size(), CiOrder.rank("MakeBeforeBreakIT"), "the others after");
    }
}
