package io.vnet.manager.rest.impl;

import com.fasterxml.jackson.databind.JsonNode;
import io.vnet.manager.rest.Identity;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A table of routes: each a path pattern below /api, of literal segments and {@code {name}}
 * parameters (and a last {@code **} that takes one or more segments), with its handler. A path
 * goes to the first route, in the order they were added, whose pattern it matches.
 */
final class Routes {
    /** Answers a request; {@code params} holds the pattern's parameters by name, as they were in the path. */
    interface Handler {
        JsonNode handle(Map<String, String> params, Map<String, String> query, Identity who);
    }

    private record Route(String[] pattern, Handler handler) {
    }

    private final List<Route> routes = new ArrayList<>();

    /** Adds a route: {@code pattern} like {@code "networks/{vni}/topology"}. */
    Routes on(String pattern, Handler handler) {
        routes.add(new Route(pattern.split("/", -1), handler));
        return this;
    }

    /** The answer of the first route {@code path}'s segments match, or null when none does. */
    JsonNode dispatch(String[] path, Map<String, String> query, Identity who) {
        for (Route r : routes) {
            Map<String, String> params = match(r.pattern(), path);
            if (params != null) {
                return r.handler().handle(params, query, who);
            }
        }
        return null;
    }

    /** The parameters of {@code path} against {@code pattern}, or null when it does not match. */
    static Map<String, String> match(String[] pattern, String[] path) {
        boolean rest = pattern.length > 0 && pattern[pattern.length - 1].equals("**");
        int fixed = rest ? pattern.length - 1 : pattern.length;
        if (rest ? path.length <= fixed : path.length != fixed) {
            return null;
        }
        Map<String, String> params = new HashMap<>();
        for (int i = 0; i < fixed; i++) {
            String seg = pattern[i];
            if (seg.startsWith("{") && seg.endsWith("}")) {
                params.put(seg.substring(1, seg.length() - 1), path[i]);
            } else if (!seg.equals(path[i])) {
                return null;
            }
        }
        return params;
    }
}
