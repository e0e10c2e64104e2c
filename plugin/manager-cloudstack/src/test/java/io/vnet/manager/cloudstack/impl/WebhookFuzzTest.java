package io.vnet.manager.cloudstack.impl;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vnet.fuzz.Fuzzing;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * CloudStack's webhook deliveries, signed with the configured secret (so that the fuzzer gets past
 * the signature, as CloudStack itself would) or not, with any headers and body:
 * {@link WebhookReceiver#receive} answers every one with a status and a JSON body, 401 for a bad
 * signature and 400 for a missing event id, and hands on at most the event of a VM to handle. It
 * never throws.
 */
@Fuzzing
class WebhookFuzzTest {
    private static final String SECRET = "fuzz-secret";

    @FuzzTest
    @DictionaryEntries({"\"event\"", "\"status\"", "\"entityuuid\"", "\"VirtualMachine\"", "VM.START", "VM.STOP",
            "VM.CREATE", "VM.MIGRATE", "VM.DESTROY", "VM.EXPUNGE", "Completed", "Scheduled", "Started"})
    void deliver(FuzzedDataProvider data) {
        List<Runnable> handled = new ArrayList<>();
        WebhookReceiver receiver = new WebhookReceiver(SECRET, new RecentIds(16), new EventHandler(null), handled::add);
        int deliveries = data.consumeInt(1, 3);
        for (int i = 0; i < deliveries && data.remainingBytes() > 0; i++) {
            Map<String, String> headers = new HashMap<>();
            if (data.consumeBoolean()) {
                headers.put(WebhookReceiver.EVENT_ID, data.consumeString(40));
            }
            if (data.consumeBoolean()) {
                headers.put(WebhookReceiver.EVENT, data.consumeString(20));
            }
            boolean signed = data.consumeBoolean();
            String forged = data.consumeString(60);
            byte[] body = data.consumeBytes(data.consumeInt(0, 4000));
            headers.put(WebhookReceiver.SIGNATURE, signed ? receiver.signatureOf(body) : forged);
            Answer a = receiver.receive(headers, body);
            assertTrue(a.status() == 200 || a.status() == 400 || a.status() == 401, () -> "status " + a.status());
            assertTrue(a.body() != null && a.body().isObject(), () -> "body " + a.body());
            if (!signed && !forged.strip().equals(receiver.signatureOf(body))) {
                assertTrue(a.status() == 401, () -> "an unsigned delivery was taken: " + a.body());
            }
        }
        assertTrue(handled.size() <= deliveries, "at most one VM event handed on per delivery");
    }
}
