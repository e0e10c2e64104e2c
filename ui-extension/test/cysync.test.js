import { describe, expect, it } from 'vitest';
import cytoscape from 'cytoscape';
import { syncElements } from '../src/cysync.js';
import { overlayElements, topologyElements } from '../src/model.js';

function ring(n, time = 't0') {
  const nodes = [...Array(n).keys()].map((i) => `m${i}`);
  return {
    vni: 1, time, class: 'RING',
    graph: { nodes, edges: nodes.map((a, i) => ({ a, b: nodes[(i + 1) % n], intensity: 1 })) },
  };
}

function allToAll(n) {
  const nodes = [...Array(n).keys()].map((i) => `m${i}`);
  const edges = [];
  nodes.forEach((a, i) => nodes.slice(i + 1).forEach((b) => edges.push({ a, b, intensity: 0.5 })));
  return { vni: 1, time: 't1', class: 'ALL_TO_ALL', graph: { nodes, edges } };
}

const flat = (t) => [...t.nodes, ...t.edges];

describe('syncElements on a live (headless) Cytoscape instance', () => {
  it('adds, updates in place and removes, keeping the instance and the positions of what stays', () => {
    const cy = cytoscape({ headless: true });
    expect(syncElements(cy, flat(topologyElements(ring(8))))).toBe(true);
    expect([cy.nodes().length, cy.edges().length]).toEqual([8, 8]);
    cy.getElementById('m0').position({ x: 11, y: 22 });
    // the same topology with other intensities and names: data only
    const renamed = topologyElements({ ...ring(8), graph: { ...ring(8).graph, edges: ring(8).graph.edges.map((e) => ({ ...e, intensity: 0.3 })) } },
      { m0: 'rank0' });
    expect(syncElements(cy, flat(renamed))).toBe(false);
    expect(cy.getElementById('m0').data('label')).toBe('rank0');
    expect(cy.getElementById('m0|m1').data('weight')).toBe(0.3);
    expect(cy.getElementById('m0').position()).toEqual({ x: 11, y: 22 });
    // the ring becomes all-to-all
    expect(syncElements(cy, flat(topologyElements(allToAll(8))))).toBe(true);
    expect([cy.nodes().length, cy.edges().length]).toEqual([8, 28]);
    expect(cy.getElementById('m0').position()).toEqual({ x: 11, y: 22 });
    // fewer VMs: gone nodes take their edges
    expect(syncElements(cy, flat(topologyElements(ring(4))))).toBe(true);
    expect([cy.nodes().length, cy.edges().length]).toEqual([4, 4]);
    expect(cy.getElementById('m3|m0').nonempty()).toBe(true);
    expect(syncElements(cy, [])).toBe(true);
    expect(cy.elements().length).toBe(0);
  });

  it('moves a VM that changed host into its new host', () => {
    const cy = cytoscape({ headless: true });
    const hosts = (vmOnB) => [
      { hostId: 'ha', role: 'host', networks: [1], vms: vmOnB ? [] : [{ vni: 1, mac: 'p3' }], links: [{ id: 'l', peer: 'hb', up: true, rttMicros: 500 }] },
      { hostId: 'hb', role: 'host', networks: [1], vms: vmOnB ? [{ vni: 1, mac: 'p3' }] : [], links: [] },
      { hostId: 'px', role: 'proxy', networks: [1], vms: [], links: [{ id: 'u', peer: 'ha', up: true, rttMicros: 800 }] },
    ];
    const before = overlayElements(hosts(false), 1);
    syncElements(cy, [...before.nodes, ...before.edges]);
    expect(cy.getElementById('vm:p3').parent().id()).toBe('host:ha');
    expect(cy.nodes('[kind = "host"]').length).toBe(3);
    expect(cy.edges().length).toBe(2);
    const after = overlayElements(hosts(true), 1);
    expect(syncElements(cy, [...after.nodes, ...after.edges])).toBe(true);
    expect(cy.getElementById('vm:p3').parent().id()).toBe('host:hb');
    expect(cy.nodes().length).toBe(4);
    // the agents sent no utilisation: shown as withheld, not as zero
    expect(cy.getElementById('ha|hb').data('label')).toBe('0.5 ms · utilisation: admins only');
  });
});
