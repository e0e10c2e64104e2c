import { describe, expect, it } from 'vitest';
import {
  formatAgo, formatBitsPerSecond, formatBytesPerSecond, formatBytesShort, formatClock, formatDateTime, formatGain, formatRtt,
} from '../src/format.js';

describe('human units', () => {
  it('writes byte rates in decimal units', () => {
    expect(formatBytesPerSecond(0)).toBe('0 B/s');
    expect(formatBytesPerSecond(999)).toBe('999 B/s');
    expect(formatBytesPerSecond(1536)).toBe('1.54 kB/s');
    expect(formatBytesPerSecond(12_345_678)).toBe('12.3 MB/s');
    expect(formatBytesPerSecond(250e6)).toBe('250 MB/s');
    expect(formatBytesPerSecond(3.2e9)).toBe('3.2 GB/s');
    expect(formatBytesPerSecond(5e15)).toBe('5000 TB/s');
    expect(formatBytesPerSecond(null)).toBe('–');
    expect(formatBytesPerSecond(NaN)).toBe('–');
  });

  it('writes bit rates, axis ticks, RTTs and gains', () => {
    expect(formatBitsPerSecond(3e7)).toBe('30 Mbit/s');
    expect(formatBitsPerSecond(999)).toBe('999 bit/s');
    expect(formatBitsPerSecond(1e9)).toBe('1 Gbit/s');
    expect(formatBytesShort(2_500_000)).toBe('2.5 MB');
    expect(formatBytesShort(undefined)).toBe('');
    expect(formatRtt(412)).toBe('0.41 ms');
    expect(formatRtt(12_345)).toBe('12.3 ms');
    expect(formatRtt(250_000)).toBe('250 ms');
    expect(formatRtt(-1)).toBe('RTT –');
    expect(formatGain(2.054)).toBe('×2.05');
    expect(formatGain(null)).toBe('–');
  });

  it('writes times (UTC in this test) and how long ago', () => {
    expect(formatClock('2026-11-30T12:01:30Z')).toBe('12:01:30');
    expect(formatClock(Date.parse('2026-11-30T01:02:03Z'))).toBe('01:02:03');
    expect(formatDateTime('2026-11-30T12:01:30.250Z')).toBe('2026-11-30 12:01:30');
    expect(formatDateTime('garbage')).toBe('–');
    expect(formatClock(null)).toBe('–');
    const now = '2026-11-30T12:10:00Z';
    expect(formatAgo('2026-11-30T12:10:00Z', now)).toBe('just now');
    expect(formatAgo('2026-11-30T12:09:25Z', now)).toBe('35 s ago');
    expect(formatAgo('2026-11-30T12:00:00Z', now)).toBe('10 min ago');
    expect(formatAgo('2026-11-30T07:00:00Z', now)).toBe('5 h ago');
    expect(formatAgo('2026-11-27T12:10:00Z', now)).toBe('3 days ago');
    expect(formatAgo(null, now)).toBe('');
  });
});
