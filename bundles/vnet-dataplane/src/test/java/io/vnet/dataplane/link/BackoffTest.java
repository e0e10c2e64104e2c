package io.vnet.dataplane.link;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
    @Test
    void doublesFromTheMinimumUpToTheCap() {
        Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofMillis(1000));
        long[] expected = {100, 200, 400, 800, 1000, 1000, 1000};
        for (long e : expected) {
            assertEquals(e, b.nextDelayMs());
        }
    }

    @Test
    void resetStartsAgainFromTheMinimum() {
        Backoff b = new Backoff(Duration.ofMillis(50), Duration.ofSeconds(5));
        b.nextDelayMs();
        b.nextDelayMs();
        b.nextDelayMs();
        b.reset();
        assertEquals(50, b.nextDelayMs());
        assertEquals(100, b.nextDelayMs());
    }

    @Test
    void aCapEqualToTheMinimumKeepsTheDelayConstant() {
        Backoff b = new Backoff(Duration.ofMillis(300), Duration.ofMillis(300));
        assertEquals(300, b.nextDelayMs());
        assertEquals(300, b.nextDelayMs());
    }
}
