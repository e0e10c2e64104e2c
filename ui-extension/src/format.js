// Numbers and times as people read them.

function scaled(value, units, step) {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    return null;
  }
  let v = Math.abs(value);
  let i = 0;
  while (v >= step && i < units.length - 1) {
    v /= step;
    i++;
  }
  const digits = i === 0 || v >= 100 ? 0 : v >= 10 ? 1 : 2;
  const sign = value < 0 ? '-' : '';
  return `${sign}${Number(v.toFixed(digits))} ${units[i]}`;
}

/** 1536 -> "1.54 kB/s" (decimal units, as network rates are counted). */
export function formatBytesPerSecond(value) {
  return scaled(value, ['B/s', 'kB/s', 'MB/s', 'GB/s', 'TB/s'], 1000) ?? '–';
}

/** 3e7 -> "30 Mbit/s". */
export function formatBitsPerSecond(value) {
  return scaled(value, ['bit/s', 'kbit/s', 'Mbit/s', 'Gbit/s', 'Tbit/s'], 1000) ?? '–';
}

/** An axis tick: the same units, shorter. */
export function formatBytesShort(value) {
  return scaled(value, ['B', 'kB', 'MB', 'GB', 'TB'], 1000) ?? '';
}

/** A round-trip time in microseconds (negative when not measured) in ms: 412 -> "0.41 ms". */
export function formatRtt(micros) {
  if (typeof micros !== 'number' || !Number.isFinite(micros) || micros < 0) {
    return 'RTT –';
  }
  const ms = micros / 1000;
  const digits = ms >= 100 ? 0 : ms >= 10 ? 1 : 2;
  return `${Number(ms.toFixed(digits))} ms`;
}

/** A gain factor: 2.054 -> "×2.05"; null (not measured yet) -> "–". */
export function formatGain(g) {
  if (typeof g !== 'number' || !Number.isFinite(g)) {
    return '–';
  }
  return `×${g.toFixed(2)}`;
}

function pad(n) {
  return String(n).padStart(2, '0');
}

function toDate(t) {
  if (t === null || t === undefined || t === '') {
    return null;
  }
  const d = t instanceof Date ? t : new Date(typeof t === 'number' ? t : Date.parse(t));
  return Number.isNaN(d.getTime()) ? null : d;
}

/** The clock time (local): "12:01:30". */
export function formatClock(t) {
  const d = toDate(t);
  return d ? `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}` : '–';
}

/** Date and time (local): "2026-11-30 12:01:30". */
export function formatDateTime(t) {
  const d = toDate(t);
  return d ? `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${formatClock(d)}` : '–';
}

/** How long before now: "12 s ago", "3 min ago", "2 h ago", "just now". */
export function formatAgo(then, now) {
  const a = toDate(then);
  const b = toDate(now);
  if (!a || !b) {
    return '';
  }
  const s = Math.round((b.getTime() - a.getTime()) / 1000);
  if (s < 2) {
    return 'just now';
  }
  if (s < 120) {
    return `${s} s ago`;
  }
  if (s < 7200) {
    return `${Math.round(s / 60)} min ago`;
  }
  if (s < 172800) {
    return `${Math.round(s / 3600)} h ago`;
  }
  return `${Math.round(s / 86400)} days ago`;
}
