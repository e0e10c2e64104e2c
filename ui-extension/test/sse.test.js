import { describe, expect, it } from 'vitest';
import { SseParser, readEventStream } from '../src/sse.js';

/** Feeds the text to a fresh parser cut at the given offsets; answers every event. */
function parseCut(text, cuts) {
  const p = new SseParser();
  const out = [];
  let from = 0;
  for (const c of [...cuts, text.length]) {
    out.push(...p.push(text.slice(from, c)));
    from = c;
  }
  return out;
}

const stream = ': hello\n\nevent: snapshot\ndata: {"vni":300,\ndata: "n":1}\n\nevent: error\ndata: {"error":"session expired"}\n\n';

describe('SseParser', () => {
  it('reads named events, joins multi-line data with LF, and skips comments', () => {
    const p = new SseParser();
    const evs = p.push(stream);
    expect(evs).toEqual([
      { event: 'snapshot', data: '{"vni":300,\n"n":1}', id: '' },
      { event: 'error', data: '{"error":"session expired"}', id: '' },
    ]);
    expect(JSON.parse(evs[0].data)).toEqual({ vni: 300, n: 1 });
    expect(p.comments).toBe(1);
  });

  it('gives the same events however the stream is cut into chunks', () => {
    const whole = new SseParser().push(stream);
    for (let i = 0; i <= stream.length; i++) {
      expect(parseCut(stream, [i])).toEqual(whole);
    }
    for (let i = 1; i < stream.length; i += 3) {
      expect(parseCut(stream, [i, Math.min(stream.length, i + 1), Math.min(stream.length, i + 7)])).toEqual(whole);
    }
    // one character at a time
    expect(parseCut(stream, [...Array(stream.length).keys()])).toEqual(whole);
  });

  it('takes CRLF and lone CR as line ends, also when a CRLF is cut between chunks', () => {
    const crlf = stream.replaceAll('\n', '\r\n');
    const cr = stream.replaceAll('\n', '\r');
    const whole = new SseParser().push(stream);
    expect(new SseParser().push(crlf)).toEqual(whole);
    expect(new SseParser().push(cr)).toEqual(whole);
    for (let i = 0; i <= crlf.length; i++) {
      expect(parseCut(crlf, [i])).toEqual(whole);
    }
    // CR ending a chunk, LF starting the next: one line end, not an empty line in between
    const p = new SseParser();
    expect(p.push('data: a\r')).toEqual([]);
    expect(p.push('\ndata: b\r\n')).toEqual([]);
    expect(p.push('\r\n')).toEqual([{ event: 'message', data: 'a\nb', id: '' }]);
  });

  it('names unnamed events "message", drops one space after the colon only, and keeps the id', () => {
    const p = new SseParser();
    expect(p.push('id: 7\ndata:no space\ndata:  two spaces\ndata\n\n')).toEqual([
      { event: 'message', data: 'no space\n two spaces\n', id: '7' },
    ]);
    // the id carries over to later events, the event name does not
    expect(p.push('event: x\ndata: 1\n\ndata: 2\n\n')).toEqual([
      { event: 'x', data: '1', id: '7' },
      { event: 'message', data: '2', id: '7' },
    ]);
  });

  it('dispatches nothing for an event without data, and ignores unknown fields', () => {
    const p = new SseParser();
    expect(p.push('event: snapshot\n\n')).toEqual([]);
    expect(p.push('foo: bar\ndata: x\n\n')).toEqual([{ event: 'message', data: 'x', id: '' }]);
    expect(p.push('retry: 2500\n\nretry: soon\n\n')).toEqual([]);
    expect(p.retry).toBe(2500);
  });

  it('drops an event the stream did not end with an empty line', () => {
    const p = new SseParser();
    expect(p.push('data: half')).toEqual([]);
    expect(p.end()).toEqual([]);
    expect(p.push('\n\n')).toEqual([]);
  });

  it('decodes UTF-8 bytes split inside a character, and drops a leading BOM', () => {
    const bytes = new TextEncoder().encode('\uFEFFdata: Zürich → ☃\n\n');
    const p = new SseParser();
    const out = [];
    for (const b of bytes) {
      out.push(...p.push(new Uint8Array([b])));
    }
    expect(out).toEqual([{ event: 'message', data: 'Zürich → ☃', id: '' }]);
  });
});

describe('readEventStream', () => {
  function response(chunks) {
    const enc = new TextEncoder();
    return new Response(new ReadableStream({
      start(c) {
        chunks.forEach((x) => c.enqueue(enc.encode(x)));
        c.close();
      },
    }));
  }

  it('reads a fetch body chunk by chunk into events', async () => {
    const seen = [];
    let chunks = 0;
    await readEventStream(response(['event: snap', 'shot\ndata: 1\n', '\n:ping\n', 'data: 2\n\n']), (e) => {
      seen.push(e);
    }, () => chunks++);
    expect(seen.map((e) => [e.event, e.data])).toEqual([['snapshot', '1'], ['message', '2']]);
    expect(chunks).toBe(4);
  });

  it('stops reading when the handler answers false', async () => {
    const seen = [];
    await readEventStream(response(['data: 1\n\ndata: 2\n\n', 'data: 3\n\n']), (e) => {
      seen.push(e.data);
      return false;
    });
    expect(seen).toEqual(['1']);
  });
});

describe('readEventStream and abort', () => {
  it('stops reading a stream that never ends when the signal aborts', async () => {
    const body = new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode('data: 1\n\n')); } });
    const ctl = new AbortController();
    const seen = [];
    const done = readEventStream(new Response(body), (e) => {
      seen.push(e.data);
      ctl.abort();
    }, () => {}, ctl.signal);
    await done;
    expect(seen).toEqual(['1']);
  });
});
