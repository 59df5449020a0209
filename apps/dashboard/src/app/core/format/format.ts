/**
 * Number and time formatting for live screens. Pure (no Angular, no Intl surprises): the same
 * input always gives the same text, so specs pin the wording operators read.
 */

export const EMPTY = '—';

/** Bits per second as operators say it: "8.0 Mbit/s", "640 kbit/s", "0 bit/s". */
export function formatBitrate(bps: number | null | undefined): string {
  if (bps === null || bps === undefined || !Number.isFinite(bps) || bps < 0) return EMPTY;
  if (bps >= 1e9) return `${(bps / 1e9).toFixed(2)} Gbit/s`;
  if (bps >= 1e6) return `${(bps / 1e6).toFixed(1)} Mbit/s`;
  if (bps >= 1e3) return `${Math.round(bps / 1e3)} kbit/s`;
  return `${Math.round(bps)} bit/s`;
}

/** Bytes with binary-free decimal units, as network counters are usually read. */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes) || bytes < 0) return EMPTY;
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return unit === 0 ? `${Math.round(value)} B` : `${value.toFixed(value >= 100 ? 0 : 1)} ${units[unit]}`;
}

export function formatCount(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return EMPTY;
  return Math.round(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
}

/** A duration in whole seconds, two units at most: "12 s", "4 m 05 s", "2 h 07 m", "3 d 4 h". */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return EMPTY;
  const s = Math.max(0, Math.floor(seconds));
  const pad = (n: number) => n.toString().padStart(2, '0');
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} m ${pad(s % 60)} s`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ${pad(Math.floor((s % 3600) / 60))} m`;
  return `${Math.floor(s / 86400)} d ${Math.floor((s % 86400) / 3600)} h`;
}

/** Seconds from an ISO time to now (never negative); null for a missing or unparseable time. */
export function secondsSince(iso: string | null | undefined, nowMs: number): number | null {
  const t = parseTime(iso);
  return t === null ? null : Math.max(0, Math.floor((nowMs - t) / 1000));
}

/** "for 4 m 05 s" style text for how long something has been in its state. */
export function formatSince(iso: string | null | undefined, nowMs: number): string {
  return formatDuration(secondsSince(iso, nowMs));
}

/**
 * The countdown to an output's next retry: "in 12 s", "now" once due, null when none is planned.
 * Rounded up, so "in 1 s" shows until the moment itself.
 */
export function formatCountdown(iso: string | null | undefined, nowMs: number): string | null {
  const t = parseTime(iso);
  if (t === null) return null;
  const remaining = Math.ceil((t - nowMs) / 1000);
  return remaining <= 0 ? 'now' : `in ${formatDuration(remaining)}`;
}

/** Local date and time to the second, for event lists ("2026-11-25 14:03:07"). */
export function formatLocalTime(iso: string | null | undefined): string {
  const t = parseTime(iso);
  if (t === null) return iso ? iso : EMPTY;
  const d = new Date(t);
  const pad = (n: number) => n.toString().padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** "12 s ago", "3 m 10 s ago"; "just now" under a second. */
export function formatAgo(iso: string | null | undefined, nowMs: number): string {
  const s = secondsSince(iso, nowMs);
  if (s === null) return EMPTY;
  return s < 1 ? 'just now' : `${formatDuration(s)} ago`;
}

export function parseTime(iso: string | null | undefined): number | null {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : t;
}

/** "1 output" / "3 outputs". */
export function plural(n: number, singular: string, pluralForm = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : pluralForm}`;
}
