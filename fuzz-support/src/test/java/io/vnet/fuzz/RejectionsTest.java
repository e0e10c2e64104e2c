package io.vnet.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RejectionsTest {
    @Test
    void aResultIsPassedOn() {
        assertEquals(Optional.of(3), Rejections.onlyIllegalArgument(() -> 3));
    }

    @Test
    void theDocumentedRefusalWithAMessageIsAccepted() {
        assertTrue(Rejections.onlyIllegalArgument(() -> {
            throw new IllegalArgumentException("vni: expected 1..16777215");
        }).isEmpty());
        assertTrue(Rejections.only(IOException.class, () -> {
            throw new IOException("config x: not valid JSON");
        }).isEmpty());
    }

    @Test
    void aRefusalWithoutAMessageFails() {
        assertThrows(AssertionError.class, () -> Rejections.onlyIllegalArgument(() -> {
            throw new IllegalArgumentException();
        }));
    }

    @Test
    void anyOtherExceptionEscapes() {
        assertThrows(IndexOutOfBoundsException.class, () -> Rejections.onlyIllegalArgument(() -> "ab".substring(3)));
        assertThrows(AssertionError.class, () -> Rejections.onlyIllegalArgument(() -> {
            throw new IOException("undocumented");
        }));
    }
}
