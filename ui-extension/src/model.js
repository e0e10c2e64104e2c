// The page's data handling: the manager's REST documents turned into what the page draws.
// Pure functions, no I/O, so that Vitest can check them on the documents the manager serves.

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
  const nodes = (g.nodes ?? []).map((mac) => ({ data: { id: mac, label: vmLabel(mac, namesByMac) } }));
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

/** A topology class as people say it: ALL_TO_ALL -> "all-to-all", MESH_2D -> "2-D mesh". */
export function className(cls) {
  const names = {
    RING: 'ring', MESH_2D: '2-D mesh', TORUS_2D: '2-D torus', ALL_TO_ALL: 'all-to-all',
    REDUCTION_TREE: 'reduction tree', BROADCAST_TREE: 'broadcast tree', STAR: 'star', OTHER: 'other', NONE: 'no traffic',
  };
  return names[cls] ?? String(cls ?? 'unknown').toLowerCase().replaceAll('_', ' ');
}

/**
 * The overlay (GET /api/agents, filtered to one network) as Cytoscape elements: a node per host
 * carrying the network (the proxy marked), the VMs of that network inside their host (compound
 * nodes), and an edge per link, once per host pair, with its RTT (ms, or null where not measured)
 * and utilisation (bits/s, the larger direction).
 */
export function overlayElements(agents, vni, namesByMac = {}) {
  const hosts = agents.filter((a) => (a.networks ?? []).includes(vni));
  const ids = new Set(hosts.map((h) => h.hostId));
  const nodes = [];
  for (const h of hosts) {
    nodes.push({ data: { id: `host:${h.hostId}`, label: h.hostId, role: h.role, connected: h.connected } });
    for (const v of h.vms ?? []) {
      if (v.vni === vni) {
        nodes.push({ data: { id: `vm:${v.mac}`, label: vmLabel(v.mac, namesByMac), parent: `host:${h.hostId}` } });
      }
    }
  }
  const edges = new Map();
  for (const h of hosts) {
    for (const l of h.links ?? []) {
      if (!ids.has(l.peer)) {
        continue;
      }
      const [a, b] = [h.hostId, l.peer].sort();
      const key = `${a}|${b}`;
      const rttMs = l.rttMicros >= 0 ? l.rttMicros / 1000 : null;
      const bits = Math.max(l.outBitsPerSecond ?? 0, l.inBitsPerSecond ?? 0);
      const old = edges.get(key);
      edges.set(key, {
        data: {
          id: key, source: `host:${a}`, target: `host:${b}`, up: (old?.data.up ?? true) && l.up,
          rttMs: old?.data.rttMs ?? rttMs, bitsPerSecond: Math.max(old?.data.bitsPerSecond ?? 0, bits),
        },
      });
    }
  }
  return { nodes, edges: [...edges.values()] };
}

/** Where each VM of the network runs: MAC -> host id. A VM that migrated shows on its new host. */
export function placement(agents, vni) {
  const out = {};
  for (const a of agents) {
    for (const v of a.vms ?? []) {
      if (v.vni === vni) {
        out[v.mac] = a.hostId;
      }
    }
  }
  return out;
}

/** The VMs that changed host between two placements: [{mac, from, to}]. */
export function moves(before, after) {
  return Object.keys(after).filter((mac) => before[mac] && before[mac] !== after[mac])
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
    rolledBack: Boolean(d.rolledBackAt),
    note: d.note ?? '',
  }));
}

/**
 * The application's traffic rate over time, from the stored traffic matrices
 * (GET /api/networks/{vni}/traffic, newest first): [{t (ms), bytesPerSecond}], oldest first,
 * and the applied adaptations as marks [{t, label}] on the same axis.
 */
export function rateSeries(matrices, adaptation) {
  const points = [...matrices].reverse().map((m) => ({
    t: Date.parse(m.time),
    bytesPerSecond: (m.matrix?.entries ?? []).reduce((s, e) => s + e.bytesPerSecond, 0),
  }));
  const marks = decisionRows(adaptation ?? {}).filter((d) => d.applied)
    .map((d) => ({ t: Date.parse(d.time), label: `${d.trigger} (${d.algorithm})` }));
  return { points, marks };
}

function finite(x) {
  return typeof x === 'number' && Number.isFinite(x) ? x : null;
}
