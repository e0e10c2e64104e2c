package io.vnet.manager.rest.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.node.TextNode;
import io.vnet.manager.rest.Identity;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The route table: literal segments, {name} parameters, a last ** for one or more segments, the first match wins. */
class RoutesTest {
    private static String[] path(String p) {
        return p.split("/", -1);
    }

    @Test
    void segmentsParametersAndTheRest() {
        assertEquals(Map.of(), Routes.match(path("networks"), path("networks")));
        assertEquals(Map.of("vni", "300"), Routes.match(path("networks/{vni}/topology"), path("networks/300/topology")));
        assertNull(Routes.match(path("networks/{vni}/topology"), path("networks/300/traffic")));
        assertNull(Routes.match(path("networks/{vni}"), path("networks/300/traffic")), "a pattern takes exactly its length");
        assertEquals(Map.of("vni", ""), Routes.match(path("networks/{vni}"), path("networks/")),
                "an empty segment is the handler's to refuse");
        assertEquals(Map.of("vni", "300"), Routes.match(path("networks/{vni}/**"), path("networks/300/a/b")));
        assertNull(Routes.match(path("networks/{vni}/**"), path("networks/300")), "** takes at least one segment");
    }

    @Test
    void theFirstRouteThatMatchesAnswers() {
        Identity admin = ApiScopeTest.ADMIN;
        Routes r = new Routes()
                .on("hosts/{id}/vms", (v, q, who) -> TextNode.valueOf("vms of " + v.get("id")))
                .on("hosts/{id}/**", (v, q, who) -> TextNode.valueOf("anything under " + v.get("id")));
        assertEquals("vms of h1", r.dispatch(path("hosts/h1/vms"), Map.of(), admin).asText());
        assertEquals("anything under h1", r.dispatch(path("hosts/h1/x"), Map.of(), admin).asText());
        assertNull(r.dispatch(path("hosts"), Map.of(), admin), "no route: the caller answers 404");
    }
}
