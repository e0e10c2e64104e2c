package io.vnet.manager.cloudstack.impl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Receives CloudStack's webhook deliveries (4.20+). CloudStack POSTs the event's details as the
 * body, with headers X-CS-Event-ID (the event's uuid), X-CS-Event (its type, e.g. VM.START) and
 * X-CS-Signature, the base64 HMAC-SHA256 of the raw body with the webhook's secret key (see
 * apache/cloudstack plugins/event-bus/webhook, WebhookDeliveryThread). A delivery with a missing
 * or wrong signature is refused (401) and does nothing. CloudStack repeats a delivery that was not
 * answered 200 in time, so a repeated event id is answered 200 {@code "duplicate": true} and not
 * handled again. The body names the VM in {@code entityuuid} (and under the key
 * {@code VirtualMachine}), and the event's state in {@code status}.
 */
final class WebhookReceiver {
    private static final System.Logger LOG = System.getLogger(WebhookReceiver.class.getName());
    static final String EVENT_ID = "x-cs-event-id";
    static final String EVENT = "x-cs-event";
    static final String SIGNATURE = "x-cs-signature";

    private final SecretKeySpec key;
    private final RecentIds seen;
    private final EventHandler handler;
    private final Executor executor;
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();

    /**
     * @param executor runs the handling of an accepted delivery (the answer does not wait for
     *                 CloudStack to be asked about the VM)
     */
    WebhookReceiver(String secret, RecentIds seen, EventHandler handler, Executor executor) {
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
        this.seen = seen;
        this.handler = handler;
        this.executor = executor;
    }

    /** The signature CloudStack sends for this body: base64 of HMAC-SHA256 with the secret. */
    String signatureOf(byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return Base64.getEncoder().encodeToString(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available: " + e.getMessage(), e);
        }
    }

    /**
     * One delivery.
     *
     * @param headers the request's headers, names in lower case
     */
    Answer receive(Map<String, String> headers, byte[] body) {
        String sig = headers.get(SIGNATURE);
        if (sig == null || sig.isBlank()) {
            refused.incrementAndGet();
            return Answer.error(401, "X-CS-Signature: missing (set the webhook's secret key in CloudStack)");
        }
        byte[] expected = signatureOf(body).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, sig.strip().getBytes(StandardCharsets.US_ASCII))) {
            refused.incrementAndGet();
            return Answer.error(401, "X-CS-Signature: does not match the body (is the webhook's secret key the one"
                    + " configured as cloudstack.webhookSecret?)");
        }
        String id = headers.get(EVENT_ID);
        if (id == null || id.isBlank()) {
            return Answer.error(400, "X-CS-Event-ID: missing");
        }
        JsonNode doc;
        try {
            doc = CloudStackClient.JSON.readTree(body);
        } catch (IOException e) {
            doc = null;
        }
        String type = headers.get(EVENT);
        if (type == null && doc != null && doc.isObject()) {
            type = CloudStackClient.text(doc, "event");
        }
        ObjectNode out = CloudStackClient.JSON.createObjectNode().put("eventId", id).put("event", type);
        if (!seen.firstTime(id)) {
            duplicates.incrementAndGet();
            return Answer.ok(out.put("duplicate", true));
        }
        accepted.incrementAndGet();
        if (!EventHandler.isVmEvent(type)) {
            runQuietly(id, type, null, null);
            return Answer.ok(out.put("duplicate", false).put("ignored", true));
        }
        if (doc == null || !doc.isObject()) {
            return Answer.ok(out.put("duplicate", false).put("ignored", true).put("reason", "the body is not a JSON object"));
        }
        String status = CloudStackClient.text(doc, "status");
        String vm = CloudStackClient.text(doc, "entityuuid");
        if (vm == null) {
            vm = CloudStackClient.text(doc, "VirtualMachine");
        }
        String vmUuid = vm;
        String t = type;
        executor.execute(() -> runQuietly(id, t, status, vmUuid));
        return Answer.ok(out.put("duplicate", false).put("accepted", true).put("vm", vmUuid));
    }

    private void runQuietly(String id, String type, String status, String vm) {
        try {
            EventHandler.Outcome o = handler.handle(type, status, vm);
            LOG.log(Level.DEBUG, "webhook event " + id + " " + type + " (" + status + ") vm " + vm + ": " + o);
        } catch (Exception e) {
            LOG.log(Level.WARNING, "webhook event " + id + " " + type + " vm " + vm + ": " + e.getMessage()
                    + " (the next full sync catches up)");
        }
    }

    ObjectNode counters() {
        return CloudStackClient.JSON.createObjectNode().put("accepted", accepted.get())
                .put("duplicates", duplicates.get()).put("refused", refused.get());
    }
}
