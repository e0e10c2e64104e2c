package io.vnet.it.fabric.libvirt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class DomainsTest {
    @Test
    void theDowntimeIsReadFromDomjobinfo() {
        String out = """
                Job type:         Completed
                Operation:        Incoming migration
                Time elapsed:     878          ms
                Total downtime:   93           ms
                Downtime w/o network: 90           ms
                """;
        assertEquals(93, Domains.downtime(out));
        assertEquals(-1, Domains.downtime("error: Requested operation is not valid"));
    }
}
