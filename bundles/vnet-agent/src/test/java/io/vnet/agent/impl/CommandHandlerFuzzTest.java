package io.vnet.agent.impl;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vnet.api.NetworkId;
import io.vnet.fuzz.Fuzzing;
import io.vnet.protocol.Json;
import java.nio.charset.StandardCharsets;

/**
 * The control socket's requests, one line of anything: {@link CommandHandler#handle} (what
 * {@code ControlServer} calls for every line a client sends) answers every one with {@code ok} and
 * a result, or with an error that says what was wrong; an answer made from an exception nobody
 * foresaw (its text is the exception's class name) means a check is missing.
 */
@Fuzzing
class CommandHandlerFuzzTest {
    @FuzzTest
    @DictionaryEntries({"\"op\"", "\"link-add\"", "\"link-del\"", "\"link-list\"", "\"rule-add\"", "\"rule-del\"",
            "\"rule-list\"", "\"if-list\"", "\"stats\"", "\"pairs\"", "\"learned\"", "\"status\"", "\"net-attach\"",
            "\"id\"", "\"peer\"", "\"connect\"", "\"vnis\"", "\"vni\"", "\"src\"", "\"dst\"", "\"to\"", "link:"})
    void request(byte[] line) throws JsonProcessingException {
        MemoryDataPlane dp = new MemoryDataPlane();
        dp.addNetwork(NetworkId.of(100));
        CommandHandler handler = new CommandHandler(dp, "host");
        for (String request : new String(line, StandardCharsets.UTF_8).split("\n", 4)) {
            if (request.isBlank()) {
                continue; // the server skips blank lines
            }
            ObjectNode answer = handler.handle(request);
            assertTrue(answer.path("ok").isBoolean(), () -> "an answer without ok: " + answer);
            if (!answer.path("ok").asBoolean()) {
                String error = answer.path("error").asText("");
                assertFalse(error.isBlank(), () -> "an error without a message: " + answer);
                assertFalse(error.matches("^(java|javax|com|io|org)\\.[\\w.$]+(Exception|Error)\\b.*"),
                        () -> "an unforeseen exception answered as " + error);
            }
            Json.MAPPER.writeValueAsString(answer); // what the server writes back
        }
    }
}
