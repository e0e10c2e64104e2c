package io.vnet.manager.cloudstack.impl;

import com.fasterxml.jackson.databind.JsonNode;

/** An HTTP answer of the routes: a status and a JSON body (an error is {@code {"error": "..."}}). */
public record Answer(int status, JsonNode body) {
    static Answer ok(JsonNode body) {
        return new Answer(200, body);
    }

    static Answer error(int status, String message) {
        return new Answer(status, CloudStackClient.JSON.createObjectNode().put("error", message));
    }
}
