package io.vnet.it.patterns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ScheduleTest {
    @Test
    void secondsByDefaultIterationsWithIt() {
        Schedule s = Schedule.parse("ring:20, mesh:2.5s,all:300it");
        assertEquals(3, s.size());
        assertEquals(Schedule.Phase.seconds(Pattern.RING, 20), s.phase(0));
        assertEquals(Schedule.Phase.seconds(Pattern.MESH_2D, 2.5), s.phase(1));
        assertEquals(Schedule.Phase.iterations(Pattern.ALL_TO_ALL, 300), s.phase(2));
        assertTrue(s.phase(0).timed());
        assertFalse(s.phase(2).timed());
        assertEquals(22.5, s.seconds(), 1e-9);
        assertEquals(300, s.iterations());
        assertEquals("ring:20s,mesh:2.5s,all:300it", s.toString());
        assertEquals(s, Schedule.parse(s.toString()));
    }

    @Test
    void patternsInOrderOfFirstUse() {
        Schedule s = Schedule.parse("all:1,ring:1,all:1,bcast:5it");
        assertEquals(List.of(Pattern.ALL_TO_ALL, Pattern.RING, Pattern.BROADCAST), List.copyOf(s.patterns()));
    }

    @Test
    void badSchedulesAreRejectedWithTheItem() {
        for (String bad : new String[] {"", "ring", "ring:0", "ring:-1", "ring:abc", "ring:0it", "ring:1.5it", "cube:3",
                "ring:3,", "ring:NaN", "ring:Infinity"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Schedule.parse(bad), bad);
            assertFalse(e.getMessage().isBlank());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Schedule.parse("ring:5,mesh:x"));
        assertTrue(e.getMessage().contains("mesh:x"), e.getMessage());
    }
}
