package io.vnet.vadapt.impl;

import io.vnet.api.MacAddress;
import io.vnet.vadapt.FloodTree;
import io.vnet.vadapt.HostLink;
import io.vnet.vadapt.Objective;
import io.vnet.vadapt.Overlay;
import io.vnet.vadapt.Placement;
import io.vnet.vadapt.Plan;
import io.vnet.vadapt.VmPair;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns an internal state into a {@link Plan}, with the current state as the reference. */
final class Plans {
    private Plans() {
    }

    static State currentState(Instance in, Evaluator ev) {
        int[] place = in.current.clone();
        LinkSet links = in.currentLinks.copy();
        return new State(place, links, ev.evaluate(place, links));
    }

    static Plan make(String algorithm, Instance in, Evaluator ev, State s) {
        // the plan's links first, while they are still routed; the current links last
        Eval e = ev.evaluate(s.place(), s.links());
        List<HostLink> links = new ArrayList<>();
        for (int h = 0; h < in.hostCount(); h++) {
            links.add(HostLink.of(in.hostIds[in.center], in.hostIds[h]));
        }
        for (int i = 0; i < s.links().size(); i++) {
            links.add(HostLink.of(in.hostIds[s.links().a(i)], in.hostIds[s.links().b(i)]));
        }
        Overlay overlay = Overlay.of(links);
        Overlay tree = FloodTree.of(in.hostIds[in.center], overlay);
        Map<VmPair, List<String>> routes = new HashMap<>();
        for (int i = 0; i < in.pairs.length; i++) {
            int ha = s.place()[in.pairA[i]];
            int hb = s.place()[in.pairB[i]];
            if (ha != hb) {
                List<String> r = new ArrayList<>();
                for (int v : ev.path(s.links(), ha, hb)) {
                    r.add(in.hostIds[v]);
                }
                routes.put(in.pairs[i], List.copyOf(r));
            }
        }
        Map<MacAddress, String> place = new LinkedHashMap<>();
        List<MacAddress> moved = new ArrayList<>();
        for (int i = 0; i < in.vms.length; i++) {
            place.put(in.vms[i], in.hostIds[s.place()[i]]);
            if (s.place()[i] != in.current[i]) {
                moved.add(in.vms[i]);
            }
        }
        Objective now = currentState(in, ev).eval().objective();
        Objective next = e.objective();
        double gain = next.iterationSeconds() == 0 ? (now.iterationSeconds() == 0 ? 1 : Double.POSITIVE_INFINITY)
                : now.iterationSeconds() / next.iterationSeconds();
        boolean apply = next.total() < now.iterationSeconds() * (1 - 1e-9)
                && gain >= 1 + in.problem.cost().minGain();
        return new Plan(algorithm, overlay, in.hostIds[in.center], tree, routes, Placement.of(place), moved, now, next, apply);
    }
}
