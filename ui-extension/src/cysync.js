// Brings a live Cytoscape instance to a new set of elements in place: elements that stay keep
// their position and only get their data updated, new ones are added, gone ones removed, and a
// VM that changed host moves to its new compound parent. Answers whether the set of elements or
// their nesting changed (then the caller lays the graph out again).

const FIXED = new Set(['id', 'parent', 'source', 'target']);

function mutable(data) {
  const out = {};
  for (const [k, v] of Object.entries(data)) {
    if (!FIXED.has(k)) {
      out[k] = v;
    }
  }
  return out;
}

export function syncElements(cy, elements) {
  const want = new Map(elements.map((e) => [e.data.id, e]));
  const nodes = elements.filter((e) => e.data.source === undefined);
  const edges = elements.filter((e) => e.data.source !== undefined);
  // parents first, so that a child can name its parent when it is added
  nodes.sort((a, b) => (a.data.parent ? 1 : 0) - (b.data.parent ? 1 : 0));
  let structural = false;
  cy.batch(() => {
    for (const n of nodes) {
      const ele = cy.getElementById(n.data.id);
      if (ele.empty()) {
        cy.add({ group: 'nodes', data: { ...n.data }, classes: n.classes });
        structural = true;
        continue;
      }
      const parent = n.data.parent ?? null;
      const current = ele.parent().nonempty() ? ele.parent().id() : null;
      if (parent !== current) {
        ele.move({ parent });
        structural = true;
      }
      ele.data(mutable(n.data));
    }
    for (const e of edges) {
      let ele = cy.getElementById(e.data.id);
      if (ele.nonempty() && (ele.data('source') !== e.data.source || ele.data('target') !== e.data.target)) {
        ele.remove();
        ele = cy.collection();
      }
      if (ele.empty()) {
        cy.add({ group: 'edges', data: { ...e.data }, classes: e.classes });
        structural = true;
      } else {
        ele.data(mutable(e.data));
      }
    }
    const gone = cy.elements().filter((ele) => !want.has(ele.id()));
    if (gone.nonempty()) {
      // edges first; a node removed takes its edges with it
      gone.edges().remove();
      gone.nodes().remove();
      structural = true;
    }
  });
  return structural;
}

/**
 * A Cytoscape graph drawn in `container` that fits itself again whenever the container changes
 * size (a narrow window, the console's iframe). Returns the instance and a function that stops
 * watching the container and destroys the graph.
 */
export function mountGraph(cytoscape, container, style, padding) {
  const cy = cytoscape({
    container, style, elements: [], minZoom: 0.2, maxZoom: 3, boxSelectionEnabled: false,
  });
  const observer = new ResizeObserver(() => {
    cy.resize();
    cy.fit(undefined, padding);
  });
  observer.observe(container);
  return {
    cy,
    dispose() {
      observer.disconnect();
      cy.destroy();
    },
  };
}
