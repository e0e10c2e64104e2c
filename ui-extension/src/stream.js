// The live connection to one network's event stream (GET /api/networks/{vni}/events): opened with
// fetch() so that it carries the bearer token, read with the SSE parser, reopened with backoff
// when it drops. The manager sends a snapshot every second, so a stream silent for longer than
// the watchdog's time is taken as dropped too.

import { ApiError } from './api.js';
import { readEventStream } from './sse.js';

/** The wait before reconnect attempt n (0-based): 1 s, 2 s, 4 s, 8 s, then 15 s. */
export function backoffDelay(attempt, { base = 1000, max = 15000 } = {}) {
  return Math.min(max, base * 2 ** Math.max(0, attempt));
}

/**
 * @param {object} o
 * @param {object} o.api the API client (its events(vni, signal))
 * @param {number} o.vni the network
 * @param {Function} o.onSnapshot called with each snapshot document
 * @param {Function} o.onStatus called with "connecting", "live" or "reconnecting"
 * @param {Function} o.onStreamError called with the text of an `event: error` (the stream ended)
 * @param {Function} o.onForbidden called with the manager's text when it refuses the network (403, 404)
 * @param {Function} o.onUnauthorized called when the session is over (401); the stream stops
 * @param {Function} [o.sleep] (ms, signal) => Promise, for tests
 * @param {number} [o.watchdogMs] the longest silence taken as a live connection
 */
export function openLiveStream({
  api, vni, onSnapshot, onStatus = () => {}, onStreamError = () => {}, onForbidden = () => {},
  onUnauthorized = () => {}, sleep = abortableSleep, watchdogMs = 5000, backoff = backoffDelay,
  setTimer = (f, ms) => setTimeout(f, ms), clearTimer = (id) => clearTimeout(id),
}) {
  const stopper = new AbortController();
  let attempt = 0;
  let status = null;

  function setStatus(s) {
    if (s !== status) {
      status = s;
      onStatus(s);
    }
  }

  async function once() {
    const conn = new AbortController();
    const abortConn = () => conn.abort();
    stopper.signal.addEventListener('abort', abortConn);
    let timer = null;
    const arm = () => {
      if (timer !== null) {
        clearTimer(timer);
      }
      timer = setTimer(() => conn.abort(), watchdogMs);
    };
    let ended = null; // the text of an `event: error`
    try {
      const response = await api.events(vni, conn.signal);
      arm();
      await readEventStream(response, (ev) => {
        if (ev.event === 'snapshot') {
          let doc;
          try {
            doc = JSON.parse(ev.data);
          } catch {
            return true; // a damaged event: wait for the next one
          }
          attempt = 0;
          setStatus('live');
          onSnapshot(doc);
        } else if (ev.event === 'error') {
          let text = ev.data;
          try {
            text = JSON.parse(ev.data).error ?? ev.data;
          } catch {
            // plain text
          }
          ended = String(text);
          return false;
        }
        return true;
      }, arm, conn.signal);
    } finally {
      if (timer !== null) {
        clearTimer(timer);
      }
      stopper.signal.removeEventListener('abort', abortConn);
    }
    return ended;
  }

  const done = (async () => {
    setStatus('connecting');
    while (!stopper.signal.aborted) {
      try {
        const ended = await once();
        if (stopper.signal.aborted) {
          break;
        }
        if (ended !== null) {
          onStreamError(ended);
        }
      } catch (e) {
        if (stopper.signal.aborted) {
          break;
        }
        if (e instanceof ApiError && e.status === 401) {
          setStatus('stopped');
          onUnauthorized(e.message);
          return;
        }
        if (e instanceof ApiError && (e.status === 403 || e.status === 404 || e.status === 400)) {
          setStatus('stopped');
          onForbidden(e.message, e.status);
          return;
        }
        // dropped, refused, 5xx or silent: try again below
      }
      setStatus('reconnecting');
      try {
        await sleep(backoff(attempt), stopper.signal);
      } catch {
        break;
      }
      attempt++;
    }
  })();

  return {
    /** Stops the stream for good; resolves when it has stopped. */
    close() {
      stopper.abort();
      return done;
    },
    done,
  };
}

function abortableSleep(ms, signal) {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(new Error('aborted'));
      return;
    }
    const id = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(id);
      reject(new Error('aborted'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
