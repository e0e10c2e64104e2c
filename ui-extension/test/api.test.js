import { describe, expect, it } from 'vitest';
import { ApiError, createApi, errorText } from '../src/api.js';

/**
 * A hand-written fake of fetch: answers from a list of (method, path) -> response rules and
 * records every request it was given (url, method, headers, body).
 */
function fakeFetch(routes) {
  const requests = [];
  const fn = async (url, init = {}) => {
    const req = { url, method: init.method ?? 'GET', headers: { ...(init.headers ?? {}) }, body: init.body ?? null };
    requests.push(req);
    const key = `${req.method} ${url}`;
    const r = routes[key];
    if (r === undefined) {
      return new Response(JSON.stringify({ error: `no route ${key}` }), { status: 404 });
    }
    if (r instanceof Error) {
      throw r;
    }
    const { status = 200, json, text, headers = { 'Content-Type': 'application/json' } } = typeof r === 'function' ? r(req) : r;
    return new Response(json !== undefined ? JSON.stringify(json) : text ?? '', { status, headers });
  };
  fn.requests = requests;
  return fn;
}

const identity = { user: 'alice', admin: false, account: 'acme', networks: [300], source: 'cloudstack' };
const login = { json: { token: 'tok-1', expiresAt: '2026-11-30T13:00:00Z', identity } };

describe('the API client', () => {
  it('signs in with API keys, then sends the bearer token on every call', async () => {
    const f = fakeFetch({
      'POST /api/auth/login': login,
      'GET /api/networks': { json: [{ vni: 300, name: 'home' }] },
      'PUT /api/networks/300/adaptation': (req) => ({ json: { vni: 300, mode: JSON.parse(req.body).mode, decisions: [] } }),
    });
    const api = createApi({ fetch: f });
    expect(api.signedIn).toBe(false);
    const doc = await api.login({ apiKey: 'AK', secretKey: 'SK' });
    expect(doc.identity).toEqual(identity);
    expect(api.token).toBe('tok-1');
    const first = f.requests[0];
    expect(first.url).toBe('/api/auth/login');
    expect(JSON.parse(first.body)).toEqual({ apiKey: 'AK', secretKey: 'SK' });
    expect(first.headers['Content-Type']).toBe('application/json');
    expect(first.headers.Authorization).toBeUndefined();

    expect(await api.networks()).toEqual([{ vni: 300, name: 'home' }]);
    expect(f.requests[1].headers.Authorization).toBe('Bearer tok-1');
    const a = await api.setMode(300, 'recommend');
    expect(a.mode).toBe('recommend');
    expect(f.requests[2]).toMatchObject({ method: 'PUT', url: '/api/networks/300/adaptation', body: '{"mode":"recommend"}' });
    expect(f.requests[2].headers.Authorization).toBe('Bearer tok-1');
  });

  it('signs in as the local admin with user and password', async () => {
    const f = fakeFetch({ 'POST /api/auth/login': login });
    const api = createApi({ fetch: f });
    await api.login({ user: 'admin', password: 'pw' });
    expect(JSON.parse(f.requests[0].body)).toEqual({ user: 'admin', password: 'pw' });
  });

  it('surfaces the manager\'s sign-in error and stays signed out, without calling onUnauthorized', async () => {
    let ended = 0;
    const f = fakeFetch({ 'POST /api/auth/login': { status: 401, json: { error: 'wrong API key or secret key' } } });
    const api = createApi({ fetch: f, onUnauthorized: () => ended++ });
    const e = await api.login({ apiKey: 'x', secretKey: 'y' }).catch((x) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect(e.status).toBe(401);
    expect(e.message).toBe('wrong API key or secret key');
    expect(api.signedIn).toBe(false);
    expect(ended).toBe(0);
  });

  it('reports 503 at sign-in with the manager\'s text', async () => {
    const f = fakeFetch({ 'POST /api/auth/login': { status: 503, json: { error: 'CloudStack is not reachable' } } });
    const e = await createApi({ fetch: f }).login({ apiKey: 'x', secretKey: 'y' }).catch((x) => x);
    expect([e.status, e.message]).toEqual([503, 'CloudStack is not reachable']);
  });

  it('refuses a sign-in answer without a token', async () => {
    const f = fakeFetch({ 'POST /api/auth/login': { json: { identity } } });
    const api = createApi({ fetch: f });
    await expect(api.login({ user: 'a', password: 'b' })).rejects.toThrow(/without a token/);
    expect(api.signedIn).toBe(false);
  });

  it('ends the session on a 401 from a later call, once, with the manager\'s message', async () => {
    const ended = [];
    const f = fakeFetch({
      'POST /api/auth/login': login,
      'GET /api/networks': { status: 401, json: { error: 'session expired' } },
    });
    const api = createApi({ fetch: f, onUnauthorized: (m) => ended.push(m) });
    await api.login({ user: 'a', password: 'b' });
    const e = await api.networks().catch((x) => x);
    expect([e.status, e.message]).toEqual([401, 'session expired']);
    expect(ended).toEqual(['session expired']);
    expect(api.signedIn).toBe(false);
    // a second call goes out without a token and does not end the session again
    await api.networks().catch(() => {});
    expect(f.requests[2].headers.Authorization).toBeUndefined();
    expect(ended).toHaveLength(1);
  });

  it('answers the decision for apply and rollback, and the manager\'s text for a 409', async () => {
    const decision = { id: 4, time: '2026-11-30T12:00:00Z', trigger: 'api', applied: true, note: '' };
    const f = fakeFetch({
      'POST /api/auth/login': login,
      'POST /api/networks/300/adaptation/apply': { json: decision },
      'POST /api/networks/300/adaptation/rollback': { status: 409, json: { error: 'network 300 has no applied decision to roll back' } },
    });
    const api = createApi({ fetch: f });
    await api.login({ user: 'a', password: 'b' });
    expect(await api.apply(300)).toEqual(decision);
    const e = await api.rollback(300).catch((x) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect([e.status, e.message]).toEqual([409, 'network 300 has no applied decision to roll back']);
    expect(api.signedIn).toBe(true); // a 409 does not sign out
    expect(f.requests.slice(1).map((r) => [r.method, r.url, r.headers.Authorization]))
      .toEqual([['POST', '/api/networks/300/adaptation/apply', 'Bearer tok-1'],
        ['POST', '/api/networks/300/adaptation/rollback', 'Bearer tok-1']]);
  });

  it('reads the traffic history with its limit, and a 403 with the manager\'s text', async () => {
    const f = fakeFetch({
      'POST /api/auth/login': login,
      'GET /api/networks/300/traffic?limit=60': { json: [] },
      'GET /api/networks/301/traffic?limit=60': { status: 403, json: { error: 'you may not see network 301' } },
    });
    const api = createApi({ fetch: f });
    await api.login({ user: 'a', password: 'b' });
    expect(await api.traffic(300)).toEqual([]);
    const e = await api.traffic(301).catch((x) => x);
    expect([e.status, e.message]).toEqual([403, 'you may not see network 301']);
    expect(api.signedIn).toBe(true);
  });

  it('opens the event stream with the token and asks for text/event-stream', async () => {
    const f = fakeFetch({
      'POST /api/auth/login': login,
      'GET /api/networks/300/events': { text: 'data: 1\n\n', headers: { 'Content-Type': 'text/event-stream' } },
      'GET /api/networks/9/events': { status: 403, json: { error: 'not yours' } },
    });
    const api = createApi({ fetch: f });
    await api.login({ user: 'a', password: 'b' });
    const r = await api.events(300);
    expect(await r.text()).toBe('data: 1\n\n');
    expect(f.requests[1].headers).toMatchObject({ Authorization: 'Bearer tok-1', Accept: 'text/event-stream' });
    await expect(api.events(9)).rejects.toMatchObject({ status: 403, message: 'not yours' });
  });

  it('signs out on the manager and forgets the token, even when the session had ended there', async () => {
    const f = fakeFetch({ 'POST /api/auth/login': login, 'POST /api/auth/logout': { status: 401, json: { error: 'no session' } } });
    let ended = 0;
    const api = createApi({ fetch: f, onUnauthorized: () => ended++ });
    await api.login({ user: 'a', password: 'b' });
    await api.logout();
    expect(f.requests[1]).toMatchObject({ method: 'POST', url: '/api/auth/logout' });
    expect(f.requests[1].headers.Authorization).toBe('Bearer tok-1');
    expect(api.signedIn).toBe(false);
    expect(ended).toBe(0);
  });

  it('says when the manager cannot be reached, or answers something that is not JSON', async () => {
    const f = fakeFetch({
      'GET /api/networks': new TypeError('Failed to fetch'),
      'GET /api/networks/1/adaptation': { text: '<html>proxy error</html>', headers: { 'Content-Type': 'text/html' } },
    });
    const api = createApi({ fetch: f });
    await expect(api.networks()).rejects.toMatchObject({ status: 0, message: 'cannot reach the manager: Failed to fetch' });
    await expect(api.adaptation(1)).rejects.toThrow(/not JSON/);
  });

  it('uses the given base path', async () => {
    const f = fakeFetch({ 'GET /vnet/api/networks': { json: [] } });
    await createApi({ fetch: f, base: '/vnet/api/' }).networks();
    expect(f.requests[0].url).toBe('/vnet/api/networks');
  });
});

describe('errorText', () => {
  it('takes the manager\'s {"error"}, else short plain text, else the status line', async () => {
    expect(await errorText(new Response('{"error":"no topology for vni 5"}', { status: 404 }))).toBe('no topology for vni 5');
    expect(await errorText(new Response('upstream timed out\n', { status: 504 }))).toBe('upstream timed out');
    expect(await errorText(new Response('<html><body>Bad</body></html>', { status: 502, statusText: 'Bad Gateway' })))
      .toBe('HTTP 502 Bad Gateway');
    expect(await errorText(new Response('{"message":"x"}', { status: 500 }))).toBe('{"message":"x"}');
    expect(await errorText(new Response(null, { status: 500 }))).toBe('HTTP 500');
  });
});
