// Helpers shared by the input specs (SRT inputs, input switching): the event log, a channel's
// live input state, media uploads, and the byte-for-byte comparison of a recording with what was sent.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { TS_PACKET_SIZE } from '@mld/mpegts';
import type { ChannelRuntime, ChannelWithOutputsResponse, EventPage, EventRecord, MediaResponse } from '@mld/contracts';
import type { Distributor } from './distributor.js';
import { cuesWithin, findOverlap, missingCues, tsReport, type FeedCue } from './media/index.js';
import { api, waitFor } from './service-process.js';

export async function patchChannel(mld: Distributor, channelId: string, body: Record<string, unknown>): Promise<ChannelWithOutputsResponse> {
  const r = await api<ChannelWithOutputsResponse>(mld.url, 'PATCH', `/api/channels/${channelId}`, mld.token, body);
  if (r.status !== 200) throw new Error(`patch channel: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** The channel's events, oldest first (one page of up to `limit`). */
export async function channelEvents(mld: Distributor, channelId: string, types?: readonly string[], limit = 200): Promise<EventRecord[]> {
  const query = `channel_id=${channelId}&limit=${limit}${types ? `&type=${types.join(',')}` : ''}`;
  const r = await api<EventPage>(mld.url, 'GET', `/api/events?${query}`, mld.token);
  if (r.status !== 200) throw new Error(`events: ${r.status} ${JSON.stringify(r.body)}`);
  return [...r.body.events].reverse();
}

/** Polls the event log until the channel has an event of this type; returns the newest. */
export async function waitForEvent(mld: Distributor, channelId: string, type: string, timeoutMs = 10_000): Promise<EventRecord> {
  return waitFor(`a ${type} event`, async () => (await channelEvents(mld, channelId, [type])).at(-1), timeoutMs, 100);
}

/** Polls the channel's input state until the predicate holds. */
export async function waitRuntime(mld: Distributor, channelId: string, what: string, predicate: (r: ChannelRuntime) => boolean, timeoutMs = 15_000): Promise<ChannelRuntime> {
  return waitFor(
    `channel input ${what}`,
    async () => {
      const runtime = (await mld.channel(channelId)).runtime;
      return runtime && predicate(runtime) ? runtime : undefined;
    },
    timeoutMs,
    50,
  );
}

/** Uploads a file to the media library as the multipart field `file` (admin). */
export async function uploadMedia(mld: Distributor, path: string, name: string): Promise<MediaResponse> {
  const form = new FormData();
  form.append('file', new Blob([readFileSync(path)], { type: 'video/mp2t' }), basename(path));
  form.append('name', name);
  const response = await fetch(`${mld.url}/api/media`, { method: 'POST', headers: { authorization: `Bearer ${mld.token}` }, body: form, signal: AbortSignal.timeout(60_000) });
  const body = (await response.json()) as MediaResponse;
  if (response.status !== 201) throw new Error(`upload media: ${response.status} ${JSON.stringify(body)}`);
  return body;
}

/** Packets [from, to) of a feed (byte offsets rounded down to packets), with its cues moved to match. */
export function sliceFeed(feed: { ts: Buffer; cues: readonly FeedCue[] }, from: number, to = feed.ts.length): { ts: Buffer; cues: FeedCue[] } {
  const start = from - (from % TS_PACKET_SIZE);
  const end = to - (to % TS_PACKET_SIZE);
  return { ts: feed.ts.subarray(start, end), cues: feed.cues.filter((c) => c.byteOffset >= start && c.byteOffset < end).map((c) => ({ ...c, byteOffset: c.byteOffset - start })) };
}

export interface ExactReport {
  bytes: number;
  compared: number;
  coverage: number;
  offsetInSent: number;
  cuesExpected: number;
  cuesReceived: number;
}

/**
 * The recording must be, byte for byte, a contiguous part of what was sent, covering at least
 * `minCoverage` of it, with 0 CC errors and every SCTE-35 section of that part intact on `scte35Pid`.
 */
export function assertByteExact(label: string, sent: Buffer, received: Buffer, opts: { minCoverage: number; cues: readonly FeedCue[]; scte35Pid: number; minCues?: number }): ExactReport {
  const overlap = findOverlap(sent, received);
  assert.ok(overlap.found, `${label}: received data not found in the sent stream (${received.length} bytes)`);
  assert.ok(overlap.identical, `${label}: differs from the sent stream at byte ${overlap.firstMismatchAt}`);
  assert.ok(overlap.sentCoverage >= opts.minCoverage, `${label}: only ${(overlap.sentCoverage * 100).toFixed(1)} % of the stream arrived`);
  const report = tsReport(received, { scte35Pids: [opts.scte35Pid] });
  assert.equal(report.ccErrors, 0, `${label}: continuity errors ${JSON.stringify(report.ccErrorsByPid)}`);
  const expected = cuesWithin(opts.cues, overlap.offsetInSent, overlap.length);
  assert.ok(expected.length >= (opts.minCues ?? 2), `${label}: the overlap should hold at least ${opts.minCues ?? 2} cue(s), found ${expected.length}`);
  assert.deepEqual(missingCues(expected, report.cues, opts.scte35Pid).map((c) => c.index), [], `${label}: SCTE-35 sections missing or corrupted`);
  assert.ok(report.cues.every((c) => c.crcValid && c.pid === opts.scte35Pid), `${label}: a SCTE-35 section arrived damaged or on another PID`);
  return { bytes: received.length, compared: overlap.length, coverage: overlap.sentCoverage, offsetInSent: overlap.offsetInSent, cuesExpected: expected.length, cuesReceived: report.cues.length };
}

export function describeExact(r: ExactReport): string {
  return `${r.bytes} B received, ${r.compared} B identical (${(r.coverage * 100).toFixed(2)} % of sent), ${r.cuesReceived} cues with valid CRC (${r.cuesExpected} expected)`;
}
