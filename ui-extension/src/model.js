// The page's data handling: the manager's REST documents turned into what the page draws.
// Pure functions, no I/O, so that Vitest can check them on the documents the manager serves.

import { formatBitsPerSecond, formatRtt } from './format.js';

/**
 * A VM's label inside its host's box, where several sit side by side: its name where the
 * manager knows it, else the last three bytes of its MAC ("86:a0:01"), which tell a network's
 * VMs apart (the first three are usually the same for all of them).
 */
export function shortVmLabel(mac, namesByMac = {}) {
  const name = namesByMac[mac];
  if (name) {
    return name;
  }
  const parts = String(mac).split(':');
  return parts.length === 6 ? parts.slice(3).join(':') : String(mac);
}

/** A display name for a MAC: the VM's name where the manager knows it, else the MAC itself. */
export function vmLabel(mac, namesByMac = {}) {
  return namesByMac[mac] ?? mac;
}

/**
 * The application topology (GET /api/networks/{vni}/topology) as Cytoscape elements: one node
 * per VM, one edge per pair VTTIF kept, weighted by its intensity (0..1, relative to the
 * heaviest). Returns {cls, time, nodes, edges}.
 */
export function topologyElements(topology, namesByMac = {}) {
  if (!topology || !topology.graph) {
    throw new Error('not a topology document: it has no graph');
  }
  const g = topology.graph;
  const order = new Map(ringOrder(g).map((mac, i) => [mac, i]));
  const nodes = (g.nodes ?? []).map((mac) => ({
    data: { id: mac, label: vmLabel(mac, namesByMac), order: order.get(mac) ?? 0 },
  }));
  const known = new Set(g.nodes ?? []);
  const edges = [];
  for (const e of g.edges ?? []) {
    if (!known.has(e.a) || !known.has(e.b)) {
      throw new Error(`edge ${e.a} - ${e.b} names a VM that is not a node`);
    }
    edges.push({ data: { id: `${e.a}|${e.b}`, source: e.a, target: e.b, weight: e.intensity } });
  }
  return { cls: topology.class ?? g.class, time: topology.time, nodes, edges };
}

/**
 * What makes a topology a different drawing: its time (the manager stores a new one only when
 * the topology changed), class, VMs and pairs. Intensities move every second and do not count.
 */
export function topologyKey(topology) {
  if (!topology || !topology.graph) {
    return 'none';
  }
  const g = topology.graph;
  const edges = (g.edges ?? []).map((e) => `${e.a}|${e.b}`).sort();
  return JSON.stringify([topology.time ?? null, topology.class ?? g.class ?? null, [...(g.nodes ?? [])].sort(), edges]);
}

/**
 * The VMs in the order a walk around the graph meets them when it is one cycle (a ring drawn on
 * a circle then shows as a ring); otherwise the nodes as given.
 */
export function ringOrder(graph) {
  const nodes = graph?.nodes ?? [];
  const adj = new Map(nodes.map((n) => [n, []]));
  for (const e of graph?.edges ?? []) {
    adj.get(e.a)?.push(e.b);
    adj.get(e.b)?.push(e.a);
  }
  if (nodes.length < 3 || [...adj.values()].some((ns) => ns.length !== 2)) {
    return [...nodes];
  }
  const out = [nodes[0]];
  let prev = null;
  let cur = nodes[0];
  for (;;) {
    const [x, y] = adj.get(cur);
    const next = x !== prev ? x : y;
    if (next === nodes[0]) {
      break;
    }
    if (out.includes(next)) {
      return [...nodes]; // not one cycle
    }
    out.push(next);
    prev = cur;
    cur = next;
  }
  return out.length === nodes.length ? out : [...nodes];
}

/**
 * The Cytoscape layout for a topology class: rings and all-to-all on a circle (rings in cycle
 * order), stars and trees (of every kind) breadth-first from their root, the rest force-directed.
 */
export function topologyLayout(topology) {
  const g = topology?.graph ?? {};
  const cls = String(topology?.class ?? g.class ?? '').toUpperCase();
  const common = { animate: false, fit: true, padding: 24 };
  if (cls === 'RING' || cls === 'ALL_TO_ALL') {
    return { name: 'circle', sortBy: 'order', ...common };
  }
  if ((cls === 'STAR' || cls.startsWith('TREE')) && g.root && (g.nodes ?? []).includes(g.root)) {
    return { name: cls === 'STAR' ? 'concentric' : 'breadthfirst', root: g.root, ...common };
  }
  return { name: 'cose', randomize: true, nodeRepulsion: () => 8000, idealEdgeLength: () => 60, ...common };
}

/** A topology class as people say it: ALL_TO_ALL -> "all-to-all", MESH_2D -> "2-D mesh". */
export function className(cls) {
  const names = {
    RING: 'ring', MESH_2D: '2-D mesh', TORUS_2D: '2-D torus', ALL_TO_ALL: 'all-to-all',
    TREE_REDUCTION: 'reduction tree', TREE_BROADCAST: 'broadcast tree', STAR: 'star', OTHER: 'other',
    TREE: 'tree (both ways)', PIPELINE: 'pipeline', HYPERCUBE: 'hypercube', MESH_3D: '3-D mesh', TORUS_3D: '3-D torus',
  };
  if (cls === null || cls === undefined || cls === '') {
    return 'none yet';
  }
  return names[String(cls).toUpperCase()] ?? String(cls).toLowerCase().replaceAll('_', ' ');
}

/**
 * The overlay (GET /api/agents, filtered to one network) as Cytoscape elements: a node per host
 * carrying the network (the proxy marked), the VMs of that network inside their host (compound
 * nodes), and an edge per link, once per host pair, with its RTT (ms, or null where not measured)
 * and utilisation (bits/s, the larger direction; null where the manager does not show it: a link
 * carries every tenant's traffic between two hosts, so tenants are not shown its utilisation).
 */
export function overlayElements(agents, vni, namesByMac = {}) {
  // GET /api/agents lists every host: those carrying the network say so in networks; the
  // snapshot's overlay is filtered already, and a host there without networks is taken as is
  const hosts = agents.filter((a) => a.networks === undefined || a.networks === null || a.networks.includes(vni));
  const ids = new Set(hosts.map((h) => h.hostId));
  const nodes = [];
  for (const h of hosts) {
    const proxy = h.role === 'proxy';
    nodes.push({
      data: {
        id: `host:${h.hostId}`, label: proxy ? `${h.hostId} (proxy)` : h.hostId, role: h.role,
        connected: h.connected !== false, kind: 'host',
      },
    });
    for (const v of h.vms ?? []) {
      if (v.vni === vni) {
        nodes.push({ data: { id: `vm:${v.mac}`, label: shortVmLabel(v.mac, namesByMac), mac: v.mac, parent: `host:${h.hostId}`, kind: 'vm' } });
      }
    }
  }
  const edges = new Map();
  for (const h of hosts) {
    for (const l of h.links ?? []) {
      if (!ids.has(l.peer) || l.peer === h.hostId) {
        continue;
      }
      // a link carries only the networks it names (the admin's view lists them): another
      // tenant's link between the same hosts is not this network's
      if (Array.isArray(l.vnis) && !l.vnis.includes(vni)) {
        continue;
      }
      const [a, b] = [h.hostId, l.peer].sort();
      const key = `${a}|${b}`;
      const rttMs = typeof l.rttMicros === 'number' && l.rttMicros >= 0 ? l.rttMicros / 1000 : null;
      const rates = [l.outBitsPerSecond, l.inBitsPerSecond].filter((x) => typeof x === 'number' && Number.isFinite(x));
      const bits = rates.length ? Math.max(...rates) : null;
      const old = edges.get(key)?.data;
      const bitsPerSecond = old && old.bitsPerSecond !== null ? Math.max(old.bitsPerSecond, bits ?? 0) : bits;
      edges.set(key, {
        data: {
          id: key, source: `host:${a}`, target: `host:${b}`, up: (old?.up ?? true) && l.up !== false,
          rttMs: old?.rttMs ?? rttMs, bitsPerSecond, transport: old?.transport ?? l.transport ?? null,
          vnis: Array.isArray(l.vnis) ? [...new Set([...(old?.vnis ?? []), ...l.vnis])].sort((x, y) => x - y)
            : old?.vnis ?? null,
        },
      });
    }
  }
  for (const e of edges.values()) {
    e.data.label = linkLabel(e.data);
  }
  return { nodes, edges: [...edges.values()] };
}

/** A link's caption: "0.41 ms · 8 Mbit/s", or "utilisation: admins only" for a tenant. */
export function linkLabel({ rttMs, bitsPerSecond, up }) {
  const rtt = rttMs === null || rttMs === undefined ? 'RTT –' : formatRtt(rttMs * 1000);
  const util = bitsPerSecond === null || bitsPerSecond === undefined
    ? 'utilisation: admins only' : formatBitsPerSecond(bitsPerSecond);
  return `${up === false ? 'down · ' : ''}${rtt} · ${util}`;
}

/** The names the agents registered for the network's VMs: MAC -> VM name. */
export function namesFromOverlay(hosts, vni) {
  const out = {};
  for (const h of hosts ?? []) {
    for (const inst of h.instances ?? []) {
      for (const nic of inst.nics ?? []) {
        if ((vni === undefined || nic.vni === vni) && nic.mac && inst.name) {
          out[nic.mac] = inst.name;
        }
      }
    }
  }
  return out;
}

/** What makes the overlay a different drawing: its hosts and which VM is on which. */
export function overlayKey(elements) {
  return JSON.stringify(elements.nodes.map((n) => [n.data.id, n.data.parent ?? null]).sort());
}

/**
 * Where to draw the overlay: the hosts around an ellipse as wide as the drawing (aspect =
 * width / height), in id order, each host's VMs in a small grid around the host's centre.
 * Answers id -> {x, y} for every VM and for every host without VMs (a compound node with
 * children takes the box of its children).
 */
export function overlayPositions(elements, { radius = 110, spacing = 56, aspect = 1.6 } = {}) {
  const hosts = elements.nodes.filter((n) => n.data.kind === 'host' || (!n.data.parent && n.data.id.startsWith('host:')))
    .map((n) => n.data.id).sort();
  const children = new Map(hosts.map((h) => [h, []]));
  for (const n of elements.nodes) {
    if (n.data.parent && children.has(n.data.parent)) {
      children.get(n.data.parent).push(n.data.id);
    }
  }
  const pos = {};
  const ry = hosts.length <= 1 ? 0 : radius + 14 * Math.max(0, hosts.length - 4);
  const rx = ry * Math.max(1, aspect);
  const start = hosts.length === 2 ? Math.PI : -Math.PI / 2;
  hosts.forEach((h, i) => {
    const angle = start + (2 * Math.PI * i) / Math.max(1, hosts.length);
    const cx = Math.round(rx * Math.cos(angle));
    const cy = Math.round(ry * Math.sin(angle));
    const vms = children.get(h).sort();
    if (vms.length === 0) {
      pos[h] = { x: cx, y: cy };
      return;
    }
    const cols = Math.ceil(Math.sqrt(vms.length));
    const rows = Math.ceil(vms.length / cols);
    vms.forEach((vm, j) => {
      const col = j % cols;
      const row = Math.floor(j / cols);
      pos[vm] = { x: cx + (col - (cols - 1) / 2) * spacing, y: cy + (row - (rows - 1) / 2) * spacing };
    });
  });
  return pos;
}

/** Where each VM of the network runs: MAC -> host id. A VM that migrated shows on its new host. */
export function placement(agents, vni) {
  const out = {};
  for (const a of agents) {
    for (const v of a.vms ?? []) {
      if (v.vni === vni) {
        // a VM two hosts report (the one it left has not forgotten it yet) has not settled: null
        out[v.mac] = v.mac in out && out[v.mac] !== a.hostId ? null : a.hostId;
      }
    }
  }
  return out;
}

/**
 * The placement to compare the next one with: where a VM has not settled (null), where it was
 * last seen settled; and a VM no host reports now keeps its last place too. Each agent reports
 * on its own clock, so in the middle of a move the host it left may have dropped it before the
 * new host reports it: forgetting it then would lose the move (UiIT saw that under load).
 */
export function settled(before, now) {
  const out = { ...(before ?? {}), ...now };
  for (const [mac, host] of Object.entries(now)) {
    if (host === null) {
      out[mac] = before?.[mac] ?? null;
    }
  }
  return out;
}

/** The VMs that changed host between two placements: [{mac, from, to}] (an unsettled VM has not moved yet). */
export function moves(before, after) {
  return Object.keys(after).filter((mac) => after[mac] && before[mac] && before[mac] !== after[mac])
    .map((mac) => ({ mac, from: before[mac], to: after[mac] }));
}

/**
 * The adaptation history (GET /api/networks/{vni}/adaptation) as table rows, oldest first:
 * time, trigger, algorithm, predicted and realised gain (null until measured), applied,
 * rolled back, and the note.
 */
export function decisionRows(adaptation) {
  return [...(adaptation.decisions ?? [])].reverse().map((d) => ({
    id: d.id,
    time: d.time,
    trigger: d.trigger,
    algorithm: d.recommendation?.algorithm ?? null,
    predictedGain: finite(d.recommendation?.predictedGain),
    realisedGain: finite(d.realisedGain),
    applied: Boolean(d.applied),
    appliedAt: d.appliedAt ?? null,
    rolledBack: Boolean(d.rolledBackAt),
    state: d.rolledBackAt ? 'rolled back' : d.applied ? 'applied' : 'recorded',
    note: d.note ?? '',
  }));
}

/** The moves as people read them: "moved p3 ha → hb". */
export function moveText(move, namesByMac = {}) {
  return `moved ${vmLabel(move.mac, namesByMac)} ${move.from} → ${move.to}`;
}

/**
 * The application's traffic rate over time, from the stored traffic matrices
 * (GET /api/networks/{vni}/traffic, newest first): [{t (ms), bytesPerSecond}], oldest first,
 * and the applied adaptations as marks [{t, label}] on the same axis, at the time they were
 * applied (else decided).
 */
export function rateSeries(matrices, adaptation) {
  const points = [...(matrices ?? [])].reverse().map((m) => ({
    t: Date.parse(m.time),
    bytesPerSecond: (m.matrix?.entries ?? []).reduce((s, e) => s + e.bytesPerSecond, 0),
  })).filter((p) => Number.isFinite(p.t));
  return { points, marks: rateMarks(adaptation) };
}

/** The applied adaptations as marks on the rate plot: [{t, id, label}], oldest first. */
export function rateMarks(adaptation) {
  return decisionRows(adaptation ?? {}).filter((d) => d.applied)
    .map((d) => ({ t: Date.parse(d.appliedAt ?? d.time), id: d.id, label: `#${d.id} ${d.trigger} (${d.algorithm})`, rolledBack: d.rolledBack }))
    .filter((m) => Number.isFinite(m.t));
}

/**
 * The rate points so far with new ones: sorted by time, one point per time (a newer report
 * for the same time wins), and only the last windowMs before the newest point.
 */
export function mergeRatePoints(points, added, windowMs = 10 * 60 * 1000) {
  const byTime = new Map();
  for (const p of [...points, ...added]) {
    if (p && Number.isFinite(p.t) && typeof p.bytesPerSecond === 'number' && Number.isFinite(p.bytesPerSecond)) {
      byTime.set(p.t, p);
    }
  }
  const out = [...byTime.values()].sort((x, y) => x.t - y.t);
  if (out.length === 0) {
    return out;
  }
  const from = out[out.length - 1].t - windowMs;
  return out.filter((p) => p.t >= from);
}

/** The snapshot's rate as a plot point, or null when it has none. */
export function ratePoint(rate) {
  if (!rate || typeof rate.bytesPerSecond !== 'number') {
    return null;
  }
  const t = Date.parse(rate.time);
  return Number.isFinite(t) ? { t, bytesPerSecond: rate.bytesPerSecond } : null;
}

/** Who is signed in, as the header shows it. */
export function whoami(identity) {
  if (!identity) {
    return '';
  }
  const role = identity.admin ? 'admin' : `tenant${identity.account ? ' ' + identity.account : ''}`;
  return `${identity.user} (${role}${identity.source ? ', ' + identity.source : ''})`;
}

function finite(x) {
  return typeof x === 'number' && Number.isFinite(x) ? x : null;
}
