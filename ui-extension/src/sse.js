// A parser for the text/event-stream format (Server-Sent Events), for streams read with fetch():
// EventSource cannot send an Authorization header, so the page reads the manager's event stream
// itself. It follows the WHATWG HTML "event stream interpretation" rules: lines end in CRLF, LF
// or CR; a line starting with ':' is a comment; "field: value" (one space after the colon is
// dropped); data lines are joined with LF; an empty line dispatches the event, unless it has no
// data; an event not ended by an empty line when the stream closes is dropped.

/**
 * Feed it text or bytes in chunks cut anywhere; it returns the events each chunk completes as
 * {event, data, id}, with event "message" where the stream named none.
 */
export class SseParser {
  constructor() {
    this.decoder = new TextDecoder('utf-8');
    this.buffer = '';
    this.skipLf = false; // the previous chunk ended in CR: a LF starting the next one ends nothing
    this.started = false;
    this.reset();
    this.lastEventId = '';
    this.retry = null;
    this.comments = 0;
  }

  reset() {
    this.eventType = '';
    this.dataLines = [];
    this.hasData = false;
  }

  /** Text or a Uint8Array (UTF-8, which may end inside a character). Returns the completed events. */
  push(chunk) {
    let text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) {
        text = text.slice(1);
      }
    }
    if (this.skipLf && text.startsWith('\n')) {
      text = text.slice(1);
    }
    this.skipLf = false;
    this.buffer += text;
    const events = [];
    let start = 0;
    for (let i = 0; i < this.buffer.length; i++) {
      const c = this.buffer[i];
      if (c !== '\n' && c !== '\r') {
        continue;
      }
      const line = this.buffer.slice(start, i);
      if (c === '\r') {
        if (i + 1 < this.buffer.length) {
          if (this.buffer[i + 1] === '\n') {
            i++;
          }
        } else {
          this.skipLf = true;
        }
      }
      start = i + 1;
      const ev = this.line(line);
      if (ev) {
        events.push(ev);
      }
    }
    this.buffer = this.buffer.slice(start);
    return events;
  }

  /** The stream closed: an event without its ending empty line is dropped, as the spec says. */
  end() {
    this.buffer = '';
    this.reset();
    return [];
  }

  line(line) {
    if (line === '') {
      return this.dispatch();
    }
    if (line.startsWith(':')) {
      this.comments++;
      return null;
    }
    const colon = line.indexOf(':');
    let field = line;
    let value = '';
    if (colon >= 0) {
      field = line.slice(0, colon);
      value = line.slice(colon + 1);
      if (value.startsWith(' ')) {
        value = value.slice(1);
      }
    }
    switch (field) {
      case 'event':
        this.eventType = value;
        break;
      case 'data':
        this.dataLines.push(value);
        this.hasData = true;
        break;
      case 'id':
        if (!value.includes('\0')) {
          this.lastEventId = value;
        }
        break;
      case 'retry':
        if (/^[0-9]+$/.test(value)) {
          this.retry = Number(value);
        }
        break;
      default:
        break; // unknown fields are ignored
    }
    return null;
  }

  dispatch() {
    if (!this.hasData) {
      this.reset();
      return null;
    }
    const ev = { event: this.eventType || 'message', data: this.dataLines.join('\n'), id: this.lastEventId };
    this.reset();
    return ev;
  }
}

/**
 * Reads a fetch() Response body as an event stream, calling onEvent for each event, until the
 * stream ends, onEvent answers false, or the signal aborts (resolves), or the stream fails
 * (rejects). onChunk is called for every chunk read, comments included, so that a watchdog can
 * tell the connection is alive.
 */
export async function readEventStream(response, onEvent, onChunk = () => {}, signal = undefined) {
  const parser = new SseParser();
  const reader = response.body.getReader();
  const stop = () => {
    reader.cancel().catch(() => {});
  };
  if (signal) {
    if (signal.aborted) {
      stop();
    }
    signal.addEventListener('abort', stop, { once: true });
  }
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) {
        parser.end();
        return;
      }
      onChunk();
      for (const ev of parser.push(value)) {
        const stop = onEvent(ev);
        if (stop === false) {
          return;
        }
      }
    }
  } finally {
    signal?.removeEventListener('abort', stop);
    try {
      await reader.cancel();
    } catch {
      // already closed
    }
  }
}
