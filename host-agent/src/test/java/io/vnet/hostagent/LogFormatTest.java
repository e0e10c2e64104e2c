package io.vnet.hostagent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class LogFormatTest {
    @Test
    void underTheJournalEveryLineHasItsPriorityAndNoTime() {
        LogRecord r = new LogRecord(Level.WARNING, "lost the manager\nsecond line");
        r.setLoggerName("io.vnet.agent.impl.ManagerClient");
        r.setThrown(new IllegalStateException("boom"));
        String text = new LogFormat(true).format(r);
        assertTrue(text.startsWith("<4>ManagerClient: lost the manager\n<4>second line\n<4>java.lang.IllegalStateException: boom\n"),
                text);
        text.lines().forEach(l -> assertTrue(l.startsWith("<4>"), l));
        assertFalse(text.matches("(?s).*\\d{4}-\\d\\d-\\d\\dT.*"), "no time stamp: journald has its own");
        assertEquals(3, LogFormat.priority(Level.SEVERE));
        assertEquals(6, LogFormat.priority(Level.INFO));
        assertEquals(7, LogFormat.priority(Level.FINE));
    }

    @Test
    void onATerminalALineHasItsTimeAndLevel() {
        LogRecord r = new LogRecord(Level.INFO, "ready");
        r.setLoggerName("io.vnet.agent.impl.AgentComponent");
        String text = new LogFormat(false).format(r);
        assertTrue(text.matches("\\d{4}-\\d\\d-\\d\\dT\\S+ INFO    AgentComponent: ready\n"), text);
    }

    @Test
    void theJournalIsDetectedByJournalStreamAndMayBeOverridden() {
        assertTrue(LogFormat.journal(null, "8:12345"));
        assertFalse(LogFormat.journal(null, null));
        assertFalse(LogFormat.journal("plain", "8:12345"));
        assertTrue(LogFormat.journal("journal", null));
    }
}
