package io.vnet.manager.records;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vnet.api.MacAddress;
import io.vnet.protocol.Json;
import io.vnet.vttif.TopologyGraph;
import io.vnet.vttif.TrafficMatrix;
import java.util.List;

/** VTTIF's graphs and matrices as the JSON documents the manager stores and serves. */
public final class TopologyJson {
    private TopologyJson() {
    }

    public static ObjectNode graph(TopologyGraph g) {
        ObjectNode o = Json.object().put("class", g.topologyClass().name()).put("description", g.describe());
        if (g.rows() > 0) {
            o.put("rows", g.rows()).put("cols", g.cols());
        }
        if (!g.dims().isEmpty()) {
            ArrayNode dims = o.putArray("dims");
            g.dims().forEach(dims::add);
        }
        g.root().ifPresent(r -> o.put("root", r.toString()));
        o.put("share", g.share());
        if (!g.alsoFits().isEmpty()) {
            ArrayNode fits = o.putArray("alsoFits");
            for (TopologyGraph.Fit f : g.alsoFits()) {
                ObjectNode fit = fits.addObject().put("class", f.topologyClass().name());
                if (!f.dims().isEmpty()) {
                    ArrayNode d = fit.putArray("dims");
                    f.dims().forEach(d::add);
                }
            }
        }
        ArrayNode nodes = o.putArray("nodes");
        g.nodes().forEach(n -> nodes.add(n.toString()));
        ArrayNode edges = o.putArray("edges");
        for (TopologyGraph.Edge e : g.edges()) {
            edges.addObject().put("a", e.a().toString()).put("b", e.b().toString()).put("intensity", e.intensity());
        }
        return o;
    }

    /** Rows of (src, dst, bytes per second), the non-zero entries of the matrix. */
    public static ObjectNode matrix(TrafficMatrix m) {
        ObjectNode o = Json.object();
        List<MacAddress> nodes = m.nodes();
        ArrayNode n = o.putArray("nodes");
        nodes.forEach(x -> n.add(x.toString()));
        ArrayNode rows = o.putArray("entries");
        m.forEachWeight((i, j, w) -> rows.addObject().put("src", nodes.get(i).toString()).put("dst", nodes.get(j).toString())
                .put("bytesPerSecond", w));
        return o;
    }
}
