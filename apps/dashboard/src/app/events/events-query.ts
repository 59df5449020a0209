import type { EventRecord, EventType } from '@mld/contracts';

/** Event-log filters as the page holds them, and how they become `GET /api/events` parameters. Pure. */
export interface EventFilter {
  channelId: string;
  types: readonly EventType[];
  /** `<input type="datetime-local">` values (local time, no zone); empty = open. */
  from: string;
  to: string;
}

export const EMPTY_FILTER: EventFilter = { channelId: '', types: [], from: '', to: '' };
export const EVENTS_PAGE_SIZE = 50;

/** `2026-11-25T14:03` (local) → ISO in UTC; null for empty or invalid text. */
export function localInputToIso(value: string): string | null {
  if (!value) return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
  if (!m) return null;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0));
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

export function eventQueryParams(filter: EventFilter, before: string | null = null, limit = EVENTS_PAGE_SIZE): Record<string, string> {
  const params: Record<string, string> = { limit: String(limit) };
  if (filter.channelId) params['channel_id'] = filter.channelId;
  if (filter.types.length > 0) params['type'] = filter.types.join(',');
  const from = localInputToIso(filter.from);
  const to = localInputToIso(filter.to);
  if (from) params['from'] = from;
  // "to 14:03" means up to the end of that minute.
  if (to) params['to'] = new Date(Date.parse(to) + (filter.to.length === 16 ? 59_999 : 999)).toISOString();
  if (before) params['before'] = before;
  return params;
}

/** Whether a pushed event belongs in a list showing this filter (live updates of the first page). */
export function matchesFilter(event: EventRecord, filter: EventFilter): boolean {
  if (filter.channelId && event.channel_id !== filter.channelId) return false;
  if (filter.types.length > 0 && !filter.types.includes(event.type)) return false;
  const at = Date.parse(event.at);
  const from = localInputToIso(filter.from);
  if (from && at < Date.parse(from)) return false;
  // A list bounded in the past never grows from live pushes.
  if (filter.to) return false;
  return true;
}

/** `details` as one readable line: `reason=exited with code 1, restarts=3`. */
export function formatDetails(details: Record<string, unknown> | null | undefined): string {
  if (!details) return '';
  return Object.entries(details)
    .map(([k, v]) => `${k}=${typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)}`)
    .join(', ');
}

/** Groups for the type filter, in the order operators think of them. */
export const EVENT_TYPE_GROUPS: readonly { label: string; types: readonly EventType[] }[] = [
  { label: 'Operator actions', types: ['channel.started', 'channel.stopped', 'output.started', 'output.stopped', 'config.changed'] },
  { label: 'Outputs', types: ['output.running', 'output.failed', 'output.stalled', 'output.recovered'] },
  { label: 'Input', types: ['input.lost', 'input.restored', 'input.error', 'input.connected', 'input.disconnected', 'input.rejected', 'input.restarted', 'input.looped', 'input.ended'] },
  { label: 'SCTE-35', types: ['channel.scte35_cue'] },
];
