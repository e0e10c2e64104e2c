import { describe, expect, it } from 'vitest';
import {
  className, decisionRows, linkLabel, mergeRatePoints, moveText, moves, namesFromOverlay, overlayElements, overlayKey,
  overlayPositions, placement, rateMarks, ratePoint, rateSeries, ringOrder, topologyElements, topologyKey, topologyLayout,
  settled, shortVmLabel, whoami,
} from '../src/model.js';

// Documents in the shapes the manager serves (plugin/manager-rest Api.java, TopologyJson.java).
const ring = {
  vni: 300, time: '2026-11-30T12:00:01Z', class: 'RING',
  graph: {
    class: 'RING', description: 'ring of 4',
    nodes: ['02:00:00:00:2c:01', '02:00:00:00:2c:02', '02:00:00:00:2c:03', '02:00:00:00:2c:04'],
    edges: [
      { a: '02:00:00:00:2c:01', b: '02:00:00:00:2c:02', intensity: 1.0 },
      { a: '02:00:00:00:2c:02', b: '02:00:00:00:2c:03', intensity: 0.9 },
      { a: '02:00:00:00:2c:03', b: '02:00:00:00:2c:04', intensity: 0.95 },
      { a: '02:00:00:00:2c:04', b: '02:00:00:00:2c:01', intensity: 0.97 },
    ],
  },
};

const agents = [
  {
    hostId: 'h1', role: 'host', connected: true, networks: [300],
    vms: [{ vni: 300, mac: '02:00:00:00:2c:01' }, { vni: 300, mac: '02:00:00:00:2c:03' }, { vni: 7, mac: '02:00:00:00:07:01' }],
    links: [{ id: 'to-px', peer: 'px', up: true, rttMicros: 412, outBitsPerSecond: 8e6, inBitsPerSecond: 9e6 },
      { id: 'fast-h2', peer: 'h2', up: true, rttMicros: -1, outBitsPerSecond: 2e7, inBitsPerSecond: 1e6 }],
  },
  {
    hostId: 'h2', role: 'host', connected: true, networks: [300],
    vms: [{ vni: 300, mac: '02:00:00:00:2c:02' }, { vni: 300, mac: '02:00:00:00:2c:04' }],
    links: [{ id: 'to-px', peer: 'px', up: true, rttMicros: 380, outBitsPerSecond: 1, inBitsPerSecond: 2 },
      { id: 'fast-h1', peer: 'h1', up: true, rttMicros: 250, outBitsPerSecond: 3e7, inBitsPerSecond: 1 }],
  },
  { hostId: 'px', role: 'proxy', connected: true, networks: [300], vms: [], links: [] },
  { hostId: 'other', role: 'host', connected: true, networks: [7], vms: [], links: [{ id: 'x', peer: 'h1', up: true }] },
];

describe('topologyElements', () => {
  it('makes a node per VM and an edge per pair, weighted, with the class and time', () => {
    const t = topologyElements(ring, { '02:00:00:00:2c:01': 'rank0' });
    expect(t.nodes).toHaveLength(4);
    expect(t.edges).toHaveLength(4);
    expect(t.cls).toBe('RING');
    expect(t.time).toBe('2026-11-30T12:00:01Z');
    expect(t.nodes[0].data).toEqual({ id: '02:00:00:00:2c:01', label: 'rank0', order: 0 });
    expect(t.edges[1].data).toEqual({
      id: '02:00:00:00:2c:02|02:00:00:00:2c:03', source: '02:00:00:00:2c:02', target: '02:00:00:00:2c:03', weight: 0.9,
    });
  });

  it('refuses documents that are not topologies, or edges to unknown VMs', () => {
    expect(() => topologyElements({ error: 'no topology for vni 5' })).toThrow(/no graph/);
    const bad = { ...ring, graph: { ...ring.graph, edges: [{ a: 'x', b: '02:00:00:00:2c:01', intensity: 1 }] } };
    expect(() => topologyElements(bad)).toThrow(/not a node/);
  });

  it('names classes as people say them', () => {
    expect(className('ALL_TO_ALL')).toBe('all-to-all');
    expect(className('MESH_2D')).toBe('2-D mesh');
    expect(className('SOMETHING_NEW')).toBe('something new');
    // the names VTTIF's TopologyClass uses, in either case
    expect(className('TREE_REDUCTION')).toBe('reduction tree');
    expect(className('TREE_BROADCAST')).toBe('broadcast tree');
    expect(className('TORUS_2D')).toBe('2-D torus');
    expect(className('TREE')).toBe('tree (both ways)');
    expect(className('PIPELINE')).toBe('pipeline');
    expect(className('HYPERCUBE')).toBe('hypercube');
    expect(className('MESH_3D')).toBe('3-D mesh');
    expect(className('TORUS_3D')).toBe('3-D torus');
    expect(className('ring')).toBe('ring');
    expect(className(null)).toBe('none yet');
  });
});

describe('overlayElements', () => {
  it('draws the hosts of the network with their VMs inside and one edge per host pair', () => {
    const o = overlayElements(agents, 300);
    const hostNodes = o.nodes.filter((n) => n.data.id.startsWith('host:'));
    expect(hostNodes.map((n) => n.data.label)).toEqual(['h1', 'h2', 'px (proxy)']);
    expect(hostNodes.find((n) => n.data.id === 'host:px').data.role).toBe('proxy');
    const vms = o.nodes.filter((n) => n.data.id.startsWith('vm:'));
    expect(vms).toHaveLength(4);
    expect(vms.find((n) => n.data.id === 'vm:02:00:00:00:2c:02').data.parent).toBe('host:h2');
    expect(o.edges.map((e) => e.data.id).sort()).toEqual(['h1|h2', 'h1|px', 'h2|px']);
    const fast = o.edges.find((e) => e.data.id === 'h1|h2').data;
    expect(fast.rttMs).toBe(0.25); // h1 did not measure it (-1); h2 did
    expect(fast.bitsPerSecond).toBe(3e7); // the busier direction of either end
    expect(o.edges.find((e) => e.data.id === 'h1|px').data.rttMs).toBeCloseTo(0.412);
  });

  it('leaves out the links that do not carry the network (the admin view names their networks)', () => {
    const named = agents.map((a) => ({
      ...a,
      links: (a.links ?? []).map((l) => ({ ...l, vnis: l.peer === 'h2' || l.peer === 'h1' ? [7] : [300, 7] })),
    }));
    const o = overlayElements(named, 300);
    expect(o.edges.map((e) => e.data.id).sort()).toEqual(['h1|px', 'h2|px']);
    expect(o.edges.find((e) => e.data.id === 'h1|px').data.vnis).toEqual([7, 300]);
    expect(overlayElements(agents, 300).edges.find((e) => e.data.id === 'h1|px').data.vnis).toBeNull();
  });
});

describe('placement and moves', () => {
  it('finds the VMs that changed host', () => {
    const before = placement(agents, 300);
    const after = { ...before, '02:00:00:00:2c:03': 'h2' };
    expect(moves(before, after)).toEqual([{ mac: '02:00:00:00:2c:03', from: 'h1', to: 'h2' }]);
    expect(moves(before, before)).toEqual([]);
  });
});

describe('decisions and the rate plot', () => {
  const adaptation = {
    mode: 'automatic',
    decisions: [ // newest first, as the manager serves them
      { id: 2, time: '2026-11-30T12:01:00Z', trigger: 'RING -> ALL_TO_ALL', applied: true, note: '',
        recommendation: { algorithm: 'greedy', predictedGain: 2.05 }, realisedGain: null, rolledBackAt: '2026-11-30T12:02:00Z' },
      { id: 1, time: '2026-11-30T12:00:10Z', trigger: 'mode set -> RING', applied: false, note: 'predicted gain below the minimum',
        recommendation: { algorithm: 'greedy', predictedGain: 1.01 }, realisedGain: 1.2 },
    ],
  };

  it('lists decisions oldest first with their gains; an unmeasured gain is null', () => {
    const rows = decisionRows(adaptation);
    expect(rows.map((r) => r.id)).toEqual([1, 2]);
    expect(rows[1]).toMatchObject({ algorithm: 'greedy', predictedGain: 2.05, realisedGain: null, applied: true, rolledBack: true });
    expect(rows[0].note).toMatch(/below the minimum/);
  });

  it('sums each matrix into the rate and marks the applied adaptations', () => {
    const matrices = [ // newest first
      { time: '2026-11-30T12:01:30Z', matrix: { entries: [{ src: 'a', dst: 'b', bytesPerSecond: 3e6 }, { src: 'b', dst: 'a', bytesPerSecond: 1e6 }] } },
      { time: '2026-11-30T12:00:30Z', matrix: { entries: [{ src: 'a', dst: 'b', bytesPerSecond: 1e6 }] } },
    ];
    const s = rateSeries(matrices, adaptation);
    expect(s.points).toEqual([
      { t: Date.parse('2026-11-30T12:00:30Z'), bytesPerSecond: 1e6 },
      { t: Date.parse('2026-11-30T12:01:30Z'), bytesPerSecond: 4e6 },
    ]);
    expect(s.marks).toEqual([
      { t: Date.parse('2026-11-30T12:01:00Z'), id: 2, label: '#2 RING -> ALL_TO_ALL (greedy)', rolledBack: true },
    ]);
  });
});

describe('topology drawing', () => {
  // a ring whose MAC order is not its cycle order: 01-03-02-04-01
  const crossed = {
    vni: 5, time: '2026-11-30T12:00:00Z', class: 'RING',
    graph: {
      class: 'RING', nodes: ['m1', 'm2', 'm3', 'm4'],
      edges: [{ a: 'm1', b: 'm3', intensity: 1 }, { a: 'm2', b: 'm3', intensity: 1 },
        { a: 'm2', b: 'm4', intensity: 1 }, { a: 'm1', b: 'm4', intensity: 1 }],
    },
  };

  it('orders a ring along its cycle, and leaves other graphs as given', () => {
    expect(ringOrder(crossed.graph)).toEqual(['m1', 'm3', 'm2', 'm4']);
    const orders = topologyElements(crossed).nodes.map((n) => [n.data.id, n.data.order]);
    expect(orders).toEqual([['m1', 0], ['m2', 2], ['m3', 1], ['m4', 3]]);
    const star = { nodes: ['h', 'a', 'b', 'c'], edges: [{ a: 'h', b: 'a' }, { a: 'h', b: 'b' }, { a: 'h', b: 'c' }] };
    expect(ringOrder(star)).toEqual(['h', 'a', 'b', 'c']);
    // two triangles: every node has two neighbours but it is not one cycle
    const two = { nodes: ['a', 'b', 'c', 'd', 'e', 'f'], edges: [{ a: 'a', b: 'b' }, { a: 'b', b: 'c' }, { a: 'c', b: 'a' },
      { a: 'd', b: 'e' }, { a: 'e', b: 'f' }, { a: 'f', b: 'd' }] };
    expect(ringOrder(two)).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
  });

  it('keys a topology by time, class, VMs and pairs, not by intensities', () => {
    const k = topologyKey(crossed);
    const busier = { ...crossed, graph: { ...crossed.graph, edges: crossed.graph.edges.map((e) => ({ ...e, intensity: 0.5 })) } };
    expect(topologyKey(busier)).toBe(k);
    expect(topologyKey({ ...crossed, time: '2026-11-30T12:00:05Z' })).not.toBe(k);
    expect(topologyKey({ ...crossed, class: 'OTHER' })).not.toBe(k);
    expect(topologyKey(null)).toBe('none');
  });

  it('lays rings on a circle in cycle order, trees from their root, the rest force-directed', () => {
    expect(topologyLayout(crossed)).toMatchObject({ name: 'circle', sortBy: 'order' });
    expect(topologyLayout({ class: 'ALL_TO_ALL', graph: { nodes: [] } }).name).toBe('circle');
    expect(topologyLayout({ class: 'TREE_REDUCTION', graph: { root: 'r', nodes: ['r', 'x'] } }))
      .toMatchObject({ name: 'breadthfirst', root: 'r' });
    expect(topologyLayout({ class: 'STAR', graph: { root: 'r', nodes: ['r', 'x'] } })).toMatchObject({ name: 'concentric', root: 'r' });
    expect(topologyLayout({ class: 'STAR', graph: { root: 'gone', nodes: ['r'] } }).name).toBe('cose');
    expect(topologyLayout({ class: 'MESH_2D', graph: { nodes: [] } }).name).toBe('cose');
    expect(topologyLayout({ class: 'TREE', graph: { root: 'r', nodes: ['r', 'x'] } }))
      .toMatchObject({ name: 'breadthfirst', root: 'r' });
  });
});

describe('overlay details', () => {
  const instances = [{ uuid: 'u3', name: 'p3', hostId: 'h1', nics: [{ vni: 300, mac: '02:00:00:00:2c:03', tap: 'vnet3', bridge: 'vnbr300' },
    { vni: 7, mac: '02:00:00:00:07:01', tap: 'vnet4', bridge: 'vnbr7' }] }];

  it('names VMs from the instances the agents registered, for the network only', () => {
    const hosts = [{ ...agents[0], instances }, agents[1]];
    expect(namesFromOverlay(hosts, 300)).toEqual({ '02:00:00:00:2c:03': 'p3' });
    const o = overlayElements(hosts, 300, namesFromOverlay(hosts, 300));
    expect(o.nodes.find((n) => n.data.id === 'vm:02:00:00:00:2c:03').data.label).toBe('p3');
    expect(o.nodes.find((n) => n.data.id === 'vm:02:00:00:00:2c:01').data.label).toBe('00:2c:01'); // no name: the MAC's last three bytes
  });

  it('shows a tenant no utilisation where the manager withholds it (null), and RTT in ms', () => {
    const tenantView = agents.slice(0, 3).map((a) => ({
      ...a, links: a.links.map((l) => ({ ...l, outBitsPerSecond: null, inBitsPerSecond: null })),
    }));
    const o = overlayElements(tenantView, 300);
    const fast = o.edges.find((e) => e.data.id === 'h1|h2').data;
    expect(fast.bitsPerSecond).toBeNull();
    expect(fast.label).toBe('0.25 ms · utilisation: admins only');
    const admin = overlayElements(agents, 300).edges.find((e) => e.data.id === 'h1|h2').data;
    expect(admin.label).toBe('0.25 ms · 30 Mbit/s');
  });

  it('captions a link that is down, or not measured', () => {
    expect(linkLabel({ rttMs: null, bitsPerSecond: 0, up: true })).toBe('RTT – · 0 bit/s');
    expect(linkLabel({ rttMs: 1.5, bitsPerSecond: 1.2e9, up: false })).toBe('down · 1.5 ms · 1.2 Gbit/s');
  });

  it('marks a link down when either end reports it down, and a disconnected host', () => {
    const hosts = [
      { hostId: 'a', role: 'host', connected: false, networks: [1], vms: [], links: [{ id: 'x', peer: 'b', up: false, rttMicros: -1 }] },
      { hostId: 'b', role: 'host', connected: true, networks: [1], vms: [], links: [{ id: 'y', peer: 'a', up: true, rttMicros: 900 }] },
    ];
    const o = overlayElements(hosts, 1);
    expect(o.edges).toHaveLength(1);
    expect(o.edges[0].data).toMatchObject({ up: false, rttMs: 0.9 });
    expect(o.nodes.find((n) => n.data.id === 'host:a').data.connected).toBe(false);
  });

  it('keys the overlay by hosts and nesting, and places every VM and empty host', () => {
    const o = overlayElements(agents, 300);
    const k = overlayKey(o);
    const moved = overlayElements(agents.map((a) => (a.hostId === 'h1'
      ? { ...a, vms: a.vms.filter((v) => v.mac !== '02:00:00:00:2c:03') }
      : a.hostId === 'h2' ? { ...a, vms: [...a.vms, { vni: 300, mac: '02:00:00:00:2c:03' }] } : a)), 300);
    expect(overlayKey(moved)).not.toBe(k);
    const pos = overlayPositions(o);
    expect(Object.keys(pos).sort()).toEqual(['host:px', 'vm:02:00:00:00:2c:01', 'vm:02:00:00:00:2c:02', 'vm:02:00:00:00:2c:03',
      'vm:02:00:00:00:2c:04']);
    // the VMs of one host sit together, away from the other host's
    const d = (p, q) => Math.hypot(p.x - q.x, p.y - q.y);
    expect(d(pos['vm:02:00:00:00:2c:01'], pos['vm:02:00:00:00:2c:03'])).toBeLessThan(100);
    expect(d(pos['vm:02:00:00:00:2c:01'], pos['vm:02:00:00:00:2c:02'])).toBeGreaterThan(150);
  });

  it('says a move as people read it', () => {
    expect(moveText({ mac: '02:00:00:00:2c:03', from: 'ha', to: 'hb' }, { '02:00:00:00:2c:03': 'p3' })).toBe('moved p3 ha → hb');
    expect(moveText({ mac: 'm', from: 'ha', to: 'hb' })).toBe('moved m ha → hb');
  });

  it('finds no move for a VM that appears or leaves', () => {
    expect(moves({ a: 'h1' }, { a: 'h1', b: 'h2' })).toEqual([]);
    expect(moves({ a: 'h1', b: 'h2' }, { a: 'h1' })).toEqual([]);
  });
});

describe('decision states and rate points', () => {
  it('names each decision state', () => {
    const rows = decisionRows({ decisions: [
      { id: 3, time: 't3', trigger: 'x', applied: true, rolledBackAt: 't4', recommendation: null },
      { id: 2, time: 't2', trigger: 'x', applied: true, rolledBackAt: null, recommendation: { algorithm: 'greedy', predictedGain: 'NaN' } },
      { id: 1, time: 't1', trigger: 'x', applied: false, recommendation: { algorithm: 'greedy', predictedGain: null } },
    ] });
    expect(rows.map((r) => r.state)).toEqual(['recorded', 'applied', 'rolled back']);
    expect(rows[1].predictedGain).toBeNull(); // not a number
    expect(rows[2].algorithm).toBeNull();
    expect(decisionRows({})).toEqual([]);
  });

  it('marks adaptations where they were applied', () => {
    const marks = rateMarks({ decisions: [
      { id: 1, time: '2026-11-30T12:00:00Z', appliedAt: '2026-11-30T12:00:04Z', trigger: 'RING', applied: true,
        recommendation: { algorithm: 'annealing' } },
      { id: 0, time: '2026-11-30T11:00:00Z', trigger: 'x', applied: false },
    ] });
    expect(marks).toEqual([{ t: Date.parse('2026-11-30T12:00:04Z'), id: 1, label: '#1 RING (annealing)', rolledBack: false }]);
  });

  it('merges rate points: sorted, one per time, the last ten minutes before the newest', () => {
    const t0 = Date.parse('2026-11-30T12:00:00Z');
    const old = [{ t: t0, bytesPerSecond: 1 }, { t: t0 + 60_000, bytesPerSecond: 2 }];
    const merged = mergeRatePoints(old, [{ t: t0 + 60_000, bytesPerSecond: 5 }, { t: t0 + 30_000, bytesPerSecond: 3 }]);
    expect(merged).toEqual([{ t: t0, bytesPerSecond: 1 }, { t: t0 + 30_000, bytesPerSecond: 3 }, { t: t0 + 60_000, bytesPerSecond: 5 }]);
    const later = mergeRatePoints(merged, [{ t: t0 + 10 * 60_000 + 15_000, bytesPerSecond: 9 }]);
    expect(later.map((p) => p.t)).toEqual([t0 + 30_000, t0 + 60_000, t0 + 615_000]);
    expect(mergeRatePoints([], [null, { t: NaN, bytesPerSecond: 1 }, { t: t0, bytesPerSecond: null }])).toEqual([]);
  });

  it('reads the snapshot rate as a point', () => {
    expect(ratePoint({ time: '2026-11-30T12:00:00Z', bytesPerSecond: 1500 }))
      .toEqual({ t: Date.parse('2026-11-30T12:00:00Z'), bytesPerSecond: 1500 });
    expect(ratePoint(null)).toBeNull();
    expect(ratePoint({ time: 'garbage', bytesPerSecond: 1 })).toBeNull();
  });

  it('says who is signed in', () => {
    expect(whoami({ user: 'admin', admin: true, account: '', source: 'local' })).toBe('admin (admin, local)');
    expect(whoami({ user: 'alice', admin: false, account: 'acme', source: 'cloudstack' })).toBe('alice (tenant acme, cloudstack)');
    expect(whoami(null)).toBe('');
  });
});

describe('shortVmLabel', () => {
  it('keeps a known name and shortens a bare MAC to its last three bytes', () => {
    expect(shortVmLabel('02:00:00:86:a0:01', { '02:00:00:86:a0:01': 'web-1' })).toBe('web-1');
    expect(shortVmLabel('02:00:00:86:a0:01')).toBe('86:a0:01');
    expect(shortVmLabel('not-a-mac')).toBe('not-a-mac');
  });
});

describe('a VM in the middle of a migration', () => {
  it('is not moved while two hosts report it, and moves once only its new host does', () => {
    const mac = '02:00:00:00:2c:01';
    const host = (id, macs) => ({ hostId: id, vms: macs.map((m) => ({ vni: 300, mac: m })) });
    const before = placement([host('h1', [mac]), host('h2', [])], 300);
    const both = placement([host('h1', [mac]), host('h2', [mac])], 300);
    expect(both[mac]).toBeNull();
    expect(moves(before, both)).toEqual([]);
    const carried = settled(before, both);
    expect(carried[mac]).toBe('h1');
    const after = placement([host('h1', []), host('h2', [mac])], 300);
    expect(moves(carried, after)).toEqual([{ mac, from: 'h1', to: 'h2' }]);
    expect(moves(settled(carried, after), after)).toEqual([]);
  });

  it('still moves when, for a moment, no host reports it (the old host forgot it before the new one reported it)', () => {
    const mac = '02:00:00:00:2c:02';
    const other = '02:00:00:00:2c:03';
    const host = (id, macs) => ({ hostId: id, vms: macs.map((m) => ({ vni: 300, mac: m })) });
    const before = placement([host('h1', [mac, other]), host('h2', [])], 300);
    const neither = placement([host('h1', [other]), host('h2', [])], 300);
    expect(neither[mac]).toBeUndefined();
    expect(moves(before, neither)).toEqual([]);
    const carried = settled(before, neither);
    expect(carried[mac]).toBe('h1');
    const after = placement([host('h1', [other]), host('h2', [mac])], 300);
    expect(moves(carried, after)).toEqual([{ mac, from: 'h1', to: 'h2' }]);
    expect(moves(settled(carried, after), after)).toEqual([]);
  });
});
