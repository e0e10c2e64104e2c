import { describe, expect, it } from 'vitest';
import { hashFor, parseHash } from '../src/route.js';

describe('hash routing', () => {
  it('reads the network from #/networks/<vni>', () => {
    expect(parseHash('#/networks/300')).toBe(300);
    expect(parseHash('#/networks/0')).toBe(0);
    expect(parseHash('#networks/42/')).toBe(42);
    expect(parseHash('#/networks/16777215')).toBe(16777215);
  });

  it('names no network for anything else', () => {
    for (const h of ['', '#', '#/', '#/networks/', '#/networks/abc', '#/networks/-1', '#/networks/16777216',
      '#/networks/3.5', '#/hosts/3', '#/networks/3/extra', null, undefined]) {
      expect(parseHash(h)).toBeNull();
    }
  });

  it('writes the hash for a network, and round-trips', () => {
    expect(hashFor(300)).toBe('#/networks/300');
    expect(parseHash(hashFor(77))).toBe(77);
    expect(() => hashFor(-1)).toThrow(/vni/);
    expect(() => hashFor(1 << 24)).toThrow(/vni/);
    expect(() => hashFor('3')).toThrow(/vni/);
  });
});
