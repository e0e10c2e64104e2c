// The manager's REST API as the page calls it: same origin, under /api, every call with the
// session's bearer token. The token lives in this object only (memory), never in storage or
// cookies, so reloading the page signs the user out.

/** A failed call: the HTTP status (0 when the manager could not be reached) and the manager's text. */
export class ApiError extends Error {
  constructor(status, message, body = null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.body = body;
  }
}

/**
 * The text to show for a failed response: the manager's {"error": "..."} where it sent one,
 * else the body's text, else the status line.
 */
export async function errorText(response) {
  let text = '';
  try {
    text = await response.text();
  } catch {
    text = '';
  }
  if (text) {
    try {
      const doc = JSON.parse(text);
      if (doc && typeof doc.error === 'string' && doc.error) {
        return doc.error;
      }
    } catch {
      // not JSON: the text itself below
    }
    const trimmed = text.trim();
    if (trimmed && trimmed.length <= 300 && !trimmed.startsWith('<')) {
      return trimmed;
    }
  }
  return `HTTP ${response.status}${response.statusText ? ' ' + response.statusText : ''}`;
}

/**
 * @param {object} options
 * @param {Function} [options.fetch] the fetch to use (tests pass a fake)
 * @param {string} [options.base] the API's path, '/api' on the page's origin
 * @param {Function} [options.onUnauthorized] called with the manager's message when a call
 *        made with a token answers 401: the session is over
 */
export function createApi({ fetch: fetchFn, base = '/api', onUnauthorized = () => {} } = {}) {
  const doFetch = fetchFn ?? ((...a) => globalThis.fetch(...a));
  let token = null;

  function url(path) {
    return base.replace(/\/$/, '') + path;
  }

  function headers(extra = {}) {
    const h = { Accept: 'application/json', ...extra };
    if (token) {
      h.Authorization = `Bearer ${token}`;
    }
    return h;
  }

  /** A 401 on a call made while signed in ends the session. */
  function unauthorized(message) {
    const had = token !== null;
    token = null;
    if (had) {
      onUnauthorized(message);
    }
  }

  async function send(method, path, body, { signal, accept } = {}) {
    const init = { method, headers: headers(accept ? { Accept: accept } : {}), signal };
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await doFetch(url(path), init);
    } catch (e) {
      if (e && e.name === 'AbortError') {
        throw e;
      }
      throw new ApiError(0, `cannot reach the manager: ${e && e.message ? e.message : e}`);
    }
    return response;
  }

  async function call(method, path, body, opts) {
    const response = await send(method, path, body, opts);
    if (!response.ok) {
      const message = await errorText(response);
      if (response.status === 401) {
        unauthorized(message);
      }
      throw new ApiError(response.status, message);
    }
    if (response.status === 204) {
      return null;
    }
    const text = await response.text();
    if (!text) {
      return null;
    }
    try {
      return JSON.parse(text);
    } catch {
      throw new ApiError(response.status, `the manager answered ${method} /api${path} with something that is not JSON`);
    }
  }

  const v = (vni) => encodeURIComponent(String(vni));

  return {
    get token() {
      return token;
    },
    get signedIn() {
      return token !== null;
    },
    /** Signs in with {apiKey, secretKey} or {user, password}; answers the login document. */
    async login(credentials) {
      token = null;
      const doc = await call('POST', '/auth/login', credentials);
      if (!doc || typeof doc.token !== 'string' || !doc.token) {
        throw new ApiError(500, 'the manager answered the sign-in without a token');
      }
      token = doc.token;
      return doc;
    },
    /** Signs out on the manager; the token is forgotten whatever it answers. */
    async logout() {
      if (token === null) {
        return;
      }
      try {
        const response = await send('POST', '/auth/logout');
        // 401: the session had already ended on the manager, which is what signing out wants
        if (!response.ok && response.status !== 401) {
          throw new ApiError(response.status, await errorText(response));
        }
      } finally {
        token = null;
      }
    },
    /** Forgets the token without telling the manager. */
    forget() {
      token = null;
    },
    networks: () => call('GET', '/networks'),
    topology: (vni) => call('GET', `/networks/${v(vni)}/topology`),
    adaptation: (vni) => call('GET', `/networks/${v(vni)}/adaptation`),
    traffic: (vni, limit = 60, opts) => call('GET', `/networks/${v(vni)}/traffic?limit=${limit}`, undefined, opts),
    setMode: (vni, mode) => call('PUT', `/networks/${v(vni)}/adaptation`, { mode }),
    apply: (vni) => call('POST', `/networks/${v(vni)}/adaptation/apply`),
    rollback: (vni) => call('POST', `/networks/${v(vni)}/adaptation/rollback`),
    /**
     * Opens the network's event stream: answers the Response when it is 200, else throws an
     * ApiError (a 401 also ends the session, as for every call).
     */
    async events(vni, signal) {
      const response = await send('GET', `/networks/${v(vni)}/events`, undefined, { signal, accept: 'text/event-stream' });
      if (!response.ok) {
        const message = await errorText(response);
        if (response.status === 401) {
          unauthorized(message);
        }
        throw new ApiError(response.status, message);
      }
      return response;
    },
  };
}
