import { describe, expect, it } from 'vitest';
import { ApiError } from '../src/api.js';
import { backoffDelay, openLiveStream } from '../src/stream.js';

const enc = new TextEncoder();

/** A stream response whose chunks the test pushes, and which it can end or break. */
function liveResponse() {
  let ctl;
  const body = new ReadableStream({ start(c) { ctl = c; } });
  return {
    response: new Response(body, { headers: { 'Content-Type': 'text/event-stream' } }),
    send: (text) => ctl.enqueue(enc.encode(text)),
    end: () => ctl.close(),
    fail: () => ctl.error(new TypeError('network error')),
  };
}

const snap = (n) => `event: snapshot\ndata: ${JSON.stringify({ vni: 300, n })}\n\n`;
const tick = () => new Promise((r) => setTimeout(r, 5));
async function until(cond, what) {
  for (let i = 0; i < 400; i++) {
    if (cond()) {
      return;
    }
    await tick();
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** An API whose events() answers, call by call, what the test queued. */
function fakeApi(answers) {
  const calls = [];
  return {
    calls,
    async events(vni, signal) {
      calls.push({ vni, signal });
      const a = answers.shift();
      if (a === undefined) {
        // a manager that never answers; like fetch, the call fails when its signal aborts
        return new Promise((resolve, reject) => {
          signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
        });
      }
      if (a instanceof Error) {
        throw a;
      }
      return a.response;
    },
  };
}

function recorder() {
  const r = { snapshots: [], statuses: [], errors: [], forbidden: [], unauthorized: [], sleeps: [] };
  r.opts = {
    onSnapshot: (d) => r.snapshots.push(d.n),
    onStatus: (s) => r.statuses.push(s),
    onStreamError: (t) => r.errors.push(t),
    onForbidden: (t, status) => r.forbidden.push([status, t]),
    onUnauthorized: (t) => r.unauthorized.push(t),
    sleep: async (ms) => {
      r.sleeps.push(ms);
    },
  };
  return r;
}

describe('backoffDelay', () => {
  it('doubles from one second up to fifteen', () => {
    expect([0, 1, 2, 3, 4, 5, 20].map((n) => backoffDelay(n))).toEqual([1000, 2000, 4000, 8000, 15000, 15000, 15000]);
  });
});

describe('openLiveStream', () => {
  it('delivers snapshots and is live once they come', async () => {
    const c = liveResponse();
    const api = fakeApi([c]);
    const r = recorder();
    const s = openLiveStream({ api, vni: 300, ...r.opts });
    c.send(': hello\n\n');
    c.send(snap(1).slice(0, 10));
    c.send(snap(1).slice(10) + snap(2));
    await until(() => r.snapshots.length === 2, 'two snapshots');
    expect(r.snapshots).toEqual([1, 2]);
    expect(r.statuses).toEqual(['connecting', 'live']);
    expect(api.calls.map((x) => x.vni)).toEqual([300]);
    await s.close();
    expect(api.calls[0].signal.aborted).toBe(true);
  });

  it('reconnects with backoff when the stream drops, showing reconnecting until data flows again', async () => {
    const first = liveResponse();
    const second = liveResponse();
    const api = fakeApi([first, new TypeError('refused'), new ApiError(502, 'bad gateway'), second]);
    const r = recorder();
    const s = openLiveStream({ api, vni: 300, ...r.opts });
    first.send(snap(1));
    await until(() => r.snapshots.length === 1, 'the first snapshot');
    first.fail();
    await until(() => api.calls.length === 4, 'the fourth connection');
    expect(r.statuses).toEqual(['connecting', 'live', 'reconnecting']);
    second.send(snap(2));
    await until(() => r.snapshots.length === 2, 'the snapshot after reconnecting');
    expect(r.statuses).toEqual(['connecting', 'live', 'reconnecting', 'live']);
    expect(r.sleeps).toEqual([1000, 2000, 4000]);
    // the backoff starts over once data flowed
    second.end();
    await until(() => r.sleeps.length === 4, 'the next wait');
    expect(r.sleeps[3]).toBe(1000);
    await s.close();
  });

  it('reports an `event: error` as the end of the stream, then tries again', async () => {
    const c = liveResponse();
    const api = fakeApi([c, new ApiError(401, 'session expired')]);
    const r = recorder();
    const s = openLiveStream({ api, vni: 300, ...r.opts });
    c.send(snap(1) + 'event: error\ndata: {"error":"session expired"}\n\n' + snap(2));
    await until(() => r.unauthorized.length === 1, 'the 401');
    expect(r.errors).toEqual(['session expired']);
    expect(r.snapshots).toEqual([1]); // nothing after the error event
    expect(r.unauthorized).toEqual(['session expired']);
    expect(r.statuses.at(-1)).toBe('stopped');
    await s.done;
    expect(api.calls).toHaveLength(2);
  });

  it('stops for good on a 403 and says why', async () => {
    const api = fakeApi([new ApiError(403, 'you may not see network 301')]);
    const r = recorder();
    const s = openLiveStream({ api, vni: 301, ...r.opts });
    await s.done;
    expect(r.forbidden).toEqual([[403, 'you may not see network 301']]);
    expect(api.calls).toHaveLength(1);
    expect(r.sleeps).toEqual([]);
  });

  it('takes a silent stream as dropped (the manager sends every second)', async () => {
    const silent = liveResponse();
    const next = liveResponse();
    const api = fakeApi([silent, next]);
    const r = recorder();
    const s = openLiveStream({ api, vni: 300, ...r.opts, watchdogMs: 30 });
    silent.send(snap(1));
    await until(() => api.calls.length === 2, 'the reconnection after silence');
    expect(api.calls[0].signal.aborted).toBe(true);
    next.send(snap(2));
    await until(() => r.snapshots.length === 2, 'the second snapshot');
    await s.close();
  });

  it('skips a snapshot that is not JSON and goes on', async () => {
    const c = liveResponse();
    const r = recorder();
    const s = openLiveStream({ api: fakeApi([c]), vni: 300, ...r.opts });
    c.send('event: snapshot\ndata: {broken\n\n' + snap(3));
    await until(() => r.snapshots.length === 1, 'the good snapshot');
    expect(r.snapshots).toEqual([3]);
    await s.close();
  });
});
