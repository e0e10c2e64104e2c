import { describe, expect, it } from 'vitest';
import {
  className, decisionRows, moves, overlayElements, placement, rateSeries, topologyElements,
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
    expect(t.nodes[0].data).toEqual({ id: '02:00:00:00:2c:01', label: 'rank0' });
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
  });
});

describe('overlayElements', () => {
  it('draws the hosts of the network with their VMs inside and one edge per host pair', () => {
    const o = overlayElements(agents, 300);
    const hostNodes = o.nodes.filter((n) => n.data.id.startsWith('host:'));
    expect(hostNodes.map((n) => n.data.label)).toEqual(['h1', 'h2', 'px']);
    expect(hostNodes.find((n) => n.data.label === 'px').data.role).toBe('proxy');
    const vms = o.nodes.filter((n) => n.data.id.startsWith('vm:'));
    expect(vms).toHaveLength(4);
    expect(vms.find((n) => n.data.id === 'vm:02:00:00:00:2c:02').data.parent).toBe('host:h2');
    expect(o.edges.map((e) => e.data.id).sort()).toEqual(['h1|h2', 'h1|px', 'h2|px']);
    const fast = o.edges.find((e) => e.data.id === 'h1|h2').data;
    expect(fast.rttMs).toBe(0.25); // h1 did not measure it (-1); h2 did
    expect(fast.bitsPerSecond).toBe(3e7); // the busier direction of either end
    expect(o.edges.find((e) => e.data.id === 'h1|px').data.rttMs).toBeCloseTo(0.412);
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
    expect(s.marks).toEqual([{ t: Date.parse('2026-11-30T12:01:00Z'), label: 'RING -> ALL_TO_ALL (greedy)' }]);
  });
});
