/**
 * A one-glance summary of a decoded SCTE-35 cue from a `channel.scte35_cue` event's details.
 * The decoder backend is new, so this reads keys in either camelCase or snake_case and at any
 * depth, and shows what it finds rather than assuming one exact shape.
 */
export interface CueSummary {
  command: string | null;
  eventId: string | null;
  /** "out" (to the break), "in" (back to the network) or null when the cue does not say. */
  direction: 'out' | 'in' | null;
  /** Splice time in seconds (90 kHz ticks / 90000), with pts_adjustment applied when given. */
  ptsSeconds: number | null;
  durationSeconds: number | null;
  segmentation: string | null;
}

type Flat = Map<string, unknown>;

function flatten(value: unknown, out: Flat = new Map(), depth = 0): Flat {
  if (depth > 5 || typeof value !== 'object' || value === null) return out;
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const key = k.replace(/_/g, '').toLowerCase();
    if (!out.has(key) && (typeof v !== 'object' || v === null)) out.set(key, v);
    if (typeof v === 'object' && v !== null) flatten(v, out, depth + 1);
  }
  return out;
}

const TICKS = 90_000;
const SEGMENTATION_TYPES: Readonly<Record<number, string>> = {
  0x10: 'program start',
  0x11: 'program end',
  0x22: 'break start',
  0x23: 'break end',
  0x30: 'provider ad start',
  0x31: 'provider ad end',
  0x32: 'distributor ad start',
  0x33: 'distributor ad end',
  0x34: 'provider placement opportunity start',
  0x35: 'provider placement opportunity end',
  0x36: 'distributor placement opportunity start',
  0x37: 'distributor placement opportunity end',
};

export function summarizeCue(details: Record<string, unknown> | null | undefined): CueSummary {
  const flat = flatten(details ?? {});
  const num = (...keys: string[]) => {
    for (const k of keys) {
      const v = flat.get(k);
      if (typeof v === 'number' && Number.isFinite(v)) return v;
      if (typeof v === 'string' && /^\d+(\.\d+)?$/.test(v)) return Number(v);
    }
    return null;
  };
  const text = (...keys: string[]) => {
    for (const k of keys) {
      const v = flat.get(k);
      if (typeof v === 'string' && v) return v;
    }
    return null;
  };
  const command = text('commandtype', 'splicecommand', 'command', 'type') ?? commandName(num('splicecommandtype'));
  const eventId = num('spliceeventid', 'segmentationeventid', 'eventid');
  const outOfNetwork = flat.get('outofnetwork') ?? flat.get('outofnetworkindicator');
  // Seconds (pts_adjustment already applied by the decoder) win over raw 90 kHz ticks.
  const seconds = num('splicetimeseconds', 'seconds', 'ptsseconds');
  const pts = num('splicetimepts', 'ptstime', 'splicetime');
  const adjustment = num('ptsadjustment') ?? 0;
  const ptsSeconds = seconds ?? (pts === null ? null : ((pts + adjustment) % 2 ** 33) / TICKS);
  const durationTicks = num('duration', 'segmentationduration');
  const durationSeconds = num('breakdurationseconds', 'durationseconds') ?? (durationTicks === null ? null : durationTicks / TICKS);
  const segName = text('typename');
  const segType = num('segmentationtypeid', 'typeid');
  return {
    command,
    eventId: eventId === null ? null : String(eventId),
    direction: outOfNetwork === true ? 'out' : outOfNetwork === false ? 'in' : null,
    ptsSeconds: ptsSeconds === null ? null : Math.round(ptsSeconds * 1000) / 1000,
    durationSeconds: durationSeconds === null ? null : Math.round(durationSeconds * 1000) / 1000,
    segmentation: segName ?? (segType === null ? null : (SEGMENTATION_TYPES[segType] ?? `type 0x${segType.toString(16).padStart(2, '0')}`)),
  };
}

function commandName(type: number | null): string | null {
  switch (type) {
    case null:
      return null;
    case 0x00:
      return 'splice_null';
    case 0x05:
      return 'splice_insert';
    case 0x06:
      return 'time_signal';
    case 0x07:
      return 'bandwidth_reservation';
    case 0xff:
      return 'private_command';
    default:
      return `command 0x${type.toString(16).padStart(2, '0')}`;
  }
}

/** "splice_insert #1234 out, 30 s at 12.345 s". */
export function describeCue(s: CueSummary): string {
  const parts: string[] = [s.command ?? 'cue'];
  if (s.eventId) parts[0] += ` #${s.eventId}`;
  if (s.direction) parts.push(s.direction === 'out' ? 'out of network' : 'back to network');
  if (s.segmentation) parts.push(s.segmentation);
  if (s.durationSeconds !== null) parts.push(`duration ${s.durationSeconds} s`);
  if (s.ptsSeconds !== null) parts.push(`at PTS ${s.ptsSeconds} s`);
  return parts.join(', ');
}
