// What a user of a main/backup channel checks in what the outputs recorded (docs/redundancy.md,
// "What outputs see at a switch"), and the API calls the redundancy specs share: the live
// redundancy/merge state and the operator's switch.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EventRecord, MergeHealth, RedundancyHealth } from '@mld/contracts';
import { ContinuityTracker, isContinuityError, NULL_PID, PTS_MODULO, TS_PACKET_SIZE, tsPid } from '@mld/mpegts';
import { timelineProblems, timelineReport } from '@mld/mpegts/fixtures';
import type { Distributor } from './distributor.js';
import { channelEvents } from './input-checks.js';
import { alignTs, ccErrorPositions, clockStep, decodeVideoFrames, makeEncoderFeed, pcrsOf, pcrStepsMs, pesTimes, runTracked, tsReport, upToLastPesStart, type DecodedFrame, type EncoderFeed, type PacketAt } from './media/index.js';
import { api, waitFor } from './service-process.js';

// ---- the API ------------------------------------------------------------------------------

export async function redundancyOf(mld: Distributor, channelId: string): Promise<RedundancyHealth | null> {
  return (await mld.channel(channelId)).runtime?.redundancy ?? null;
}

/** Polls runtime.redundancy until the predicate holds (every 25 ms: switch times are measured from it). */
export async function waitRedundancy(mld: Distributor, channelId: string, what: string, predicate: (r: RedundancyHealth) => boolean, timeoutMs = 15_000): Promise<RedundancyHealth> {
  return waitFor(
    `redundancy: ${what}`,
    async () => {
      const r = await redundancyOf(mld, channelId);
      return r && predicate(r) ? r : undefined;
    },
    timeoutMs,
    25,
  );
}

export async function waitMerge(mld: Distributor, channelId: string, what: string, predicate: (m: MergeHealth) => boolean, timeoutMs = 15_000): Promise<MergeHealth> {
  return waitFor(
    `merge: ${what}`,
    async () => {
      const m = (await mld.channel(channelId)).runtime?.merge ?? null;
      return m && predicate(m) ? m : undefined;
    },
    timeoutMs,
    50,
  );
}

/** The newest event of a type logged at or after `since` (epoch ms), waited for. */
export async function waitForEventSince(mld: Distributor, channelId: string, type: string, since: number, which: (e: EventRecord) => boolean = () => true, timeoutMs = 5_000): Promise<EventRecord> {
  return waitFor(`a ${type} event`, async () => (await channelEvents(mld, channelId, [type])).filter((e) => Date.parse(e.at) >= since && which(e)).at(-1), timeoutMs, 100);
}

/** POST /api/channels/{id}/input/switch as the holder of `token`. */
export async function switchInput(base: string, token: string, channelId: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  return api<Record<string, unknown>>(base, 'POST', `/api/channels/${channelId}/input/switch`, token, body);
}

// ---- the recordings -----------------------------------------------------------------------

export interface CueSeen {
  eventId: number | undefined;
  command: string | undefined;
  pid: number;
  crcValid: boolean;
  /** Which encoder inserted it, by its bytes outside pts_adjustment and CRC (the only fields a switch may rewrite). */
  side: 'main' | 'backup' | null;
}

export interface RecordingReport {
  bytes: number;
  packets: number;
  /** PIDs carried (null packets left out). */
  pids: number[];
  /** Continuity errors, discontinuity_indicator honoured: what a receiver counts as loss. */
  ccErrors: number;
  ccErrorsAt: PacketAt[];
  /** Continuity errors if the discontinuity_indicator were ignored (the switches' own steps, if any). */
  ccErrorsStrict: number;
  /** PCRs flagged discontinuity_indicator on the PCR PID. */
  pcrDiscontinuities: number;
  pcrBackwards: number;
  /** PCR steps over 100 ms without discontinuity_indicator: a silent clock jump. */
  unflaggedPcrJumps: { packet: number; ms: number }[];
  /** The largest flagged PCR step, ms (the switch gap on the output's clock). */
  largestFlaggedPcrStepMs: number;
  /** Decode times per PID and SCTE-35 splice times that do not rise. */
  timeline: string[];
  /** Audio PES start steps longer than 1.5 audio PES, ms (audio that is not there: the switches). */
  audioGapsMs: number[];
  cues: CueSeen[];
  /** Cue identities seen more than once. */
  duplicateCues: string[];
}

const cueKey = (section: Buffer): string => section.subarray(9, section.length - 4).toString('hex');
const cueIdentity = (c: { command?: string; eventId?: number }): string => `${c.command ?? '?'}:${c.eventId ?? '?'}`;

/** Every check on one output's recording; `main` and `backup` are the two encoders' feeds (for cue attribution). */
export function analyseRecording(raw: Buffer, feeds: { main: EncoderFeed; backup: EncoderFeed }): RecordingReport {
  const ts = alignTs(raw);
  const report = tsReport(ts, { scte35Pids: [feeds.main.pids.scte35] });
  const pcrs = pcrsOf(ts);
  const steps = pcrStepsMs(pcrs);
  const flagged = new Set(pcrs.filter((p) => p.discontinuity).map((p) => p.packet));
  const mainKeys = new Set(feeds.main.cues.map((c) => cueKey(c.section)));
  const backupKeys = new Set(feeds.backup.cues.map((c) => cueKey(c.section)));
  const cues: CueSeen[] = report.cues.map((c) => {
    const key = cueKey(c.section);
    return { eventId: c.eventId, command: c.command, pid: c.pid, crcValid: c.crcValid, side: mainKeys.has(key) ? 'main' : backupKeys.has(key) ? 'backup' : null };
  });
  const counts = new Map<string, number>();
  for (const c of cues) counts.set(cueIdentity(c), (counts.get(cueIdentity(c)) ?? 0) + 1);
  const ccAt = ccErrorPositions(ts);
  return {
    bytes: raw.length,
    packets: ts.length / TS_PACKET_SIZE,
    pids: report.pids.filter((p) => p !== NULL_PID),
    ccErrors: ccAt.length,
    ccErrorsAt: ccAt,
    ccErrorsStrict: strictCcErrors(ts),
    pcrDiscontinuities: flagged.size,
    pcrBackwards: steps.filter((s) => s.ms <= 0).length,
    unflaggedPcrJumps: steps.filter((s) => s.ms > 100 && !flagged.has(s.packet)),
    largestFlaggedPcrStepMs: Math.max(0, ...steps.filter((s) => flagged.has(s.packet)).map((s) => s.ms)),
    // PCR steps are judged above (flagged ones may be long); here decode and splice times.
    timeline: timelineProblems(timelineReport(ts), { maxPcrStep27M: 27_000_000 * 60 }).filter((p) => !p.startsWith('PCR')),
    audioGapsMs: audioGaps(ts, feeds.main),
    cues,
    duplicateCues: [...counts].filter(([, n]) => n > 1).map(([k, n]) => `${k} ×${n}`),
  };
}

function audioGaps(ts: Buffer, main: EncoderFeed): number[] {
  const pts = pesTimes(ts).filter((p) => p.pid === main.pids.audio).map((p) => p.pts);
  return pts
    .slice(1)
    .map((t, i) => clockStep(pts[i]!, t, PTS_MODULO) / 90)
    .filter((ms) => ms > 1.5 * main.audioPesMs)
    .map((ms) => Math.round(ms));
}

function strictCcErrors(ts: Buffer): number {
  const tracker = new ContinuityTracker();
  let errors = 0;
  for (let off = 0; off + TS_PACKET_SIZE <= ts.length; off += TS_PACKET_SIZE) {
    const pid = tsPid(ts, off);
    if (pid !== NULL_PID && isContinuityError(tracker.observe(ts, off, pid, false))) errors++;
  }
  return errors;
}

/** docs/redundancy.md, "What outputs see at a switch", as a receiver checks it. */
export function assertContinuous(label: string, r: RecordingReport, main: EncoderFeed, switches: number): void {
  assert.deepEqual(r.pids, main.pidSet, `${label}: PIDs ${r.pids.map(hex).join(' ')}, the main's are ${main.pidSet.map(hex).join(' ')}`);
  assert.equal(r.ccErrors, 0, `${label}: CC errors at ${JSON.stringify(r.ccErrorsAt.slice(0, 10))}`);
  assert.equal(r.pcrBackwards, 0, `${label}: the PCR went back`);
  assert.deepEqual(r.unflaggedPcrJumps, [], `${label}: PCR jumps without discontinuity_indicator`);
  assert.equal(r.pcrDiscontinuities, switches, `${label}: one flagged PCR per switch`);
  assert.deepEqual(r.timeline.slice(0, 5), [], `${label}: decode or splice times do not rise`);
  assert.ok(r.cues.every((c) => c.crcValid && c.pid === main.pids.scte35), `${label}: a cue arrived damaged or on another PID`);
  assert.deepEqual(r.duplicateCues, [], `${label}: cues sent twice`);
  assert.deepEqual(r.cues.filter((c) => c.side === null).map((c) => c.eventId), [], `${label}: cues neither encoder inserted`);
  assert.ok(r.cues.some((c) => c.side === 'main') && r.cues.some((c) => c.side === 'backup'), `${label}: cues from one encoder only`);
  const ids = r.cues.map((c) => c.eventId!).sort((a, b) => a - b);
  const missing = ids.length === 0 ? [] : Array.from({ length: ids.at(-1)! - ids[0]! + 1 }, (_, k) => ids[0]! + k).filter((id) => !ids.includes(id));
  assert.deepEqual(missing, [], `${label}: cues lost between ${ids[0]} and ${ids.at(-1)}`);
}

export function describeRecording(label: string, r: RecordingReport): string {
  const bySide = (s: CueSeen['side']) => r.cues.filter((c) => c.side === s).length;
  return (
    `${label}: ${r.bytes} B, PIDs ${r.pids.map(hex).join(' ')}, CC errors ${r.ccErrors} (${r.ccErrorsStrict} if discontinuity_indicator were ignored), ` +
    `${r.pcrDiscontinuities} flagged PCR steps (largest ${r.largestFlaggedPcrStepMs.toFixed(0)} ms), audio gaps ${r.audioGapsMs.join('/') || 'none'} ms, cues ${r.cues.length} (main ${bySide('main')}, backup ${bySide('backup')})`
  );
}

export const hex = (pid: number): string => `0x${pid.toString(16)}`;

// ---- pictures -----------------------------------------------------------------------------

export type Picture = 'blue' | 'yellow' | 'other';

/** Mean luma of the two feeds' flat colours (BT.601 limited range: blue ≈ 41, yellow ≈ 210). */
export function pictureOf(yavg: number): Picture {
  if (yavg < 90) return 'blue';
  if (yavg > 160) return 'yellow';
  return 'other';
}

export interface PictureRun {
  picture: Picture;
  frames: number;
  firstPts: number;
  lastPts: number;
}

/** Consecutive frames of the same picture, in presentation order. */
export function pictureRuns(frames: readonly DecodedFrame[]): PictureRun[] {
  const runs: PictureRun[] = [];
  for (const f of [...frames].sort((a, b) => a.pts - b.pts)) {
    const picture = pictureOf(f.yavg);
    const last = runs.at(-1);
    if (last && last.picture === picture) {
      last.frames++;
      last.lastPts = f.pts;
    } else runs.push({ picture, frames: 1, firstPts: f.pts, lastPts: f.pts });
  }
  return runs;
}

/** Decodes a TS recording (up to its last whole video PES) and sorts its frames into the two pictures. */
export async function decodeRecording(dir: string, name: string, raw: Buffer, videoPid: number): Promise<{ runs: PictureRun[]; frames: number; stderr: string; code: number | null }> {
  const path = join(dir, `${name}.ts`);
  writeFileSync(path, upToLastPesStart(alignTs(raw), videoPid));
  return decodeFile(path);
}

export async function decodeFile(path: string): Promise<{ runs: PictureRun[]; frames: number; stderr: string; code: number | null }> {
  const decoded = await decodeVideoFrames(path);
  return { runs: pictureRuns(decoded.frames), frames: decoded.frames.length, stderr: decoded.stderr, code: decoded.code };
}

export function describeRuns(runs: readonly PictureRun[]): string {
  return runs.map((r) => `${r.picture} ×${r.frames}`).join(' → ');
}

// ---- FLV ----------------------------------------------------------------------------------

/** ffprobe of every packet of an FLV: per stream, packets and decode timestamps that went back. */
export async function flvTimestamps(path: string): Promise<{ code: number | null; stderr: string; streams: Map<number, { packets: number; backwards: number; firstDts: number; lastDts: number }> }> {
  const r = await runTracked('ffprobe', ['-v', 'error', '-show_entries', 'packet=stream_index,dts', '-of', 'csv=p=0', path], 60_000);
  const streams = new Map<number, { packets: number; backwards: number; firstDts: number; lastDts: number }>();
  for (const line of r.stdout.toString().split('\n')) {
    const [index, dts] = line.split(',').map(Number);
    if (!Number.isFinite(index) || !Number.isFinite(dts)) continue;
    const s = streams.get(index!);
    if (!s) streams.set(index!, { packets: 1, backwards: 0, firstDts: dts!, lastDts: dts! });
    else {
      s.packets++;
      if (dts! < s.lastDts) s.backwards++;
      s.lastDts = dts!;
    }
  }
  return { code: r.code, stderr: r.stderr, streams };
}

// ---- the two pipelines --------------------------------------------------------------------

export const GOP_MS = 1000;

/**
 * MediaLive's pipelines 0 and 1 as two separate FFmpeg encodes of one programme: main blue on
 * FFmpeg's PIDs (PMT 0x1000, video 0x100, audio 0x101, SCTE-35 0x1F6), backup yellow on others
 * (PMT 0x1100, video 0x200, audio 0x201, SCTE-35 0x1F7, service 2) with its clock an hour
 * ahead; both a key frame every second and the same cue schedule and event ids.
 */
export async function makePipelineFeeds(dir: string, seconds: number, bitrate = 3_000_000): Promise<{ main: EncoderFeed; backup: EncoderFeed }> {
  const common = { dir, seconds, bitrate, gopSeconds: GOP_MS / 1000, cueIntervalSeconds: 1, firstEventId: 7000 };
  const [main, backup] = await Promise.all([
    makeEncoderFeed({ ...common, name: 'pipeline-0', colour: 'blue', scte35Pid: 0x1f6 }),
    makeEncoderFeed({ ...common, name: 'pipeline-1', colour: 'yellow', toneHz: 440, pmtPid: 0x1100, firstEsPid: 0x200, serviceId: 2, clockOffsetSeconds: 3600, scte35Pid: 0x1f7 }),
  ]);
  if (main.pidSet.some((pid) => pid > 0x1f && backup.pidSet.includes(pid))) throw new Error(`the two pipelines share PIDs: ${main.pidSet.map(hex)} / ${backup.pidSet.map(hex)}`);
  return { main, backup };
}
