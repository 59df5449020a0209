// Test bench of a main/backup pair on fake time: two generated feeds (different PIDs, clocks and
// payloads, the same SCTE-35 cues), each played by a scripted source in real time by its PCR,
// with a schedule saying when each sender is up; and what the output then looks like.
import {
  buildPmtSection,
  ContinuityTracker,
  parsePmt,
  type Pmt,
  SectionAssembler,
  SectionPacketizer,
  tsContinuityCounter,
  inspectTs,
  isContinuityError,
  NULL_PID,
  PTS_MODULO,
  readPesTimestamps,
  TS_PACKET_SIZE,
  tsDiscontinuity,
  tsPayloadOffset,
  tsPcr,
  tsPid,
  tsPusi,
  tsRandomAccess,
  type TsInspectionReport,
} from '@mld/mpegts';
import { buildSyntheticTs, insertScte35 } from '@mld/mpegts/fixtures';
import { FakeClock } from '@mld/supervisor/testing';
import { ScriptedSource } from '../../../testing/fakes.js';
import { DEFAULT_FAILOVER_SETTINGS, type DatagramInputConfig, type FailoverSettings } from '../../../types.js';
import type { SourceEvent } from '../../source.js';
import { RedundantSource, type RedundantSourceOptions } from '../redundant-source.js';

export interface FeedLayout {
  pmtPid: number;
  videoPid: number;
  audioPid: number;
  scte35Pid: number;
}

export const MAIN_LAYOUT: FeedLayout = { pmtPid: 0x1000, videoPid: 0x100, audioPid: 0x101, scte35Pid: 0x1f6 };
export const BACKUP_LAYOUT: FeedLayout = { pmtPid: 0x1100, videoPid: 0x200, audioPid: 0x201, scte35Pid: 0x300 };

/** A feed: synthetic H.264-typed video (a random-access point every second), AAC-typed audio, cues every 2 s. */
export function makeFeed(layout: FeedLayout, opts: { seconds: number; firstPts: number; seed: number; programNumber?: number }): Buffer {
  const base = buildSyntheticTs({
    seconds: opts.seconds,
    frameBytes: 900,
    pmtPid: layout.pmtPid,
    videoPid: layout.videoPid,
    audioPid: layout.audioPid,
    firstPts: opts.firstPts,
    seed: opts.seed,
    programNumber: opts.programNumber ?? 1,
  });
  return insertScte35(base.ts, { scte35Pid: layout.scte35Pid, intervalSeconds: 2, firstEventId: 1000, replaceNullPackets: false }).ts;
}

const PCR_MODULO = PTS_MODULO * 300;

/** The same feed with every PMT section rebuilt by `edit` (single-packet PMTs, as the generator makes). */
export function editPmt(ts: Buffer, pmtPid: number, edit: (pmt: Pmt) => Pmt): Buffer {
  const out = Buffer.from(ts);
  for (let off = 0; off < out.length; off += TS_PACKET_SIZE) {
    if (tsPid(out, off) !== pmtPid || !tsPusi(out, off)) continue;
    const p = off + 5 + out[off + 4]!;
    const length = 3 + (((out[p + 1]! & 0x0f) << 8) | out[p + 2]!);
    const r = parsePmt(out.subarray(p, p + length));
    if (!r.ok) throw new Error(r.reason);
    const packet = new SectionPacketizer(pmtPid, tsContinuityCounter(out, off)).packetize(buildPmtSection(edit(r.value)));
    if (packet.length !== TS_PACKET_SIZE) throw new Error('the edited PMT does not fit one packet');
    packet.copy(out, off);
  }
  return out;
}

/** The same feed with random_access_indicator cleared everywhere (a source that never says). */
export function withoutRandomAccess(ts: Buffer): Buffer {
  const out = Buffer.from(ts);
  for (let off = 0; off < out.length; off += TS_PACKET_SIZE) {
    if ((out[off + 3]! & 0x20) !== 0 && out[off + 4]! > 0) out[off + 5]! &= ~0x40;
  }
  return out;
}

/** The PMT versions an output went through, in order (repeats of one version collapsed). */
export function pmtVersions(ts: Buffer, pmtPid: number): { version: number; pids: number[] }[] {
  const seen: { version: number; pids: number[] }[] = [];
  const asm = new SectionAssembler(pmtPid, (section) => {
    const r = parsePmt(section);
    if (r.ok && seen[seen.length - 1]?.version !== r.value.version) seen.push({ version: r.value.version, pids: r.value.streams.map((x) => x.pid) });
  });
  for (let off = 0; off < ts.length; off += TS_PACKET_SIZE) if (tsPid(ts, off) === pmtPid) asm.push(ts, off);
  return seen;
}

/** Chunks of 7 packets, each due when the stream's PCR says (ms after the first PCR). */
export function pace(ts: Buffer, pcrPid: number): { dueMs: number; buf: Buffer }[] {
  const out: { dueMs: number; buf: Buffer }[] = [];
  let first = -1;
  let last = 0;
  for (let off = 0; off < ts.length; off += 7 * TS_PACKET_SIZE) {
    const end = Math.min(ts.length, off + 7 * TS_PACKET_SIZE);
    for (let p = off; p < end; p += TS_PACKET_SIZE) {
      if (tsPid(ts, p) !== pcrPid) continue;
      const pcr = tsPcr(ts, p);
      if (pcr < 0) continue;
      if (first < 0) first = pcr;
      last = ((((pcr - first) % PCR_MODULO) + PCR_MODULO) % PCR_MODULO) / 27_000;
    }
    out.push({ dueMs: last, buf: ts.subarray(off, end) });
  }
  return out;
}

/** When a sender is up, ms from the start of the run. */
export type Schedule = (tMs: number) => boolean;
export const always: Schedule = () => true;
export const downBetween =
  (...ranges: [number, number][]): Schedule =>
  (t) =>
    !ranges.some(([a, b]) => t >= a && t < b);

export interface HarnessOptions {
  settings?: Partial<FailoverSettings>;
  seconds?: number;
  main?: Schedule;
  backup?: Schedule;
  /** The backup's feed starts this much later (negative: earlier) than the main's. */
  backupDelayMs?: number;
  source?: Partial<RedundantSourceOptions>;
  /** Feeds other than the standard ones (same layouts). */
  mainTs?: Buffer;
  backupTs?: Buffer;
  /** First PTS of the standard backup feed (default 5.4e9: 16.7 h into its clock). */
  backupFirstPts?: number;
  /** Each chunk arrives up to this much late (seeded, order kept): a network's jitter. Default 0. */
  jitterMs?: number;
  jitterSeed?: number;
}

/** The chunks' due times, each delayed by up to `jitterMs` (a seeded LCG), never before the one before. */
function jittered(chunks: { dueMs: number; buf: Buffer }[], jitterMs: number, seed: number): { dueMs: number; buf: Buffer }[] {
  if (jitterMs <= 0) return chunks;
  let state = seed >>> 0 || 1;
  let last = -Infinity;
  return chunks.map((c) => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    last = Math.max(last, c.dueMs + (state / 2 ** 32) * jitterMs);
    return { dueMs: last, buf: c.buf };
  });
}

const input = (port: number): DatagramInputConfig => ({ type: 'udp', bindIp: '127.0.0.1', port, sourceIp: null, interfaceIp: null });

export class RedundantHarness {
  readonly clock = new FakeClock();
  readonly out: { at: number; buf: Buffer }[] = [];
  readonly events: SourceEvent[] = [];
  readonly states: string[] = [];
  readonly sources: ScriptedSource[] = [];
  readonly source: RedundantSource;
  readonly t0: number;
  private readonly feeds: { chunks: { dueMs: number; buf: Buffer }[]; next: number; up: Schedule; delay: number }[];

  constructor(readonly opts: HarnessOptions = {}) {
    const seconds = opts.seconds ?? 12;
    this.t0 = this.clock.now();
    const main = opts.mainTs ?? makeFeed(MAIN_LAYOUT, { seconds, firstPts: 126_000, seed: 7 });
    const backup = opts.backupTs ?? makeFeed(BACKUP_LAYOUT, { seconds, firstPts: opts.backupFirstPts ?? 5_400_000_000, seed: 99, programNumber: 2 });
    this.feeds = [
      { chunks: jittered(pace(main, MAIN_LAYOUT.videoPid), opts.jitterMs ?? 0, opts.jitterSeed ?? 1), next: 0, up: opts.main ?? always, delay: 0 },
      { chunks: jittered(pace(backup, BACKUP_LAYOUT.videoPid), opts.jitterMs ?? 0, (opts.jitterSeed ?? 1) + 7919), next: 0, up: opts.backup ?? always, delay: opts.backupDelayMs ?? 0 },
    ];
    this.source = new RedundantSource({
      main: input(5000),
      backup: input(5002),
      settings: { ...DEFAULT_FAILOVER_SETTINGS, ...opts.settings },
      clock: this.clock,
      createSource: (config, sink) => {
        const s = new ScriptedSource(config, sink);
        this.sources.push(s);
        return s;
      },
      sink: {
        ts: (b) => this.out.push({ at: this.clock.now(), buf: b }),
        rejected: () => undefined,
        stateChanged: (from, to) => this.states.push(`${from}>${to}`),
        event: (e) => this.events.push(e),
      },
      ...opts.source,
    });
  }

  /** Runs `ms` of fake time in 5 ms steps; each up sender hands over what is due, a down one loses it. */
  run(ms: number): void {
    const end = this.clock.now() + ms;
    while (this.clock.now() < end) {
      this.clock.advance(5);
      const t = this.clock.now() - this.t0;
      this.feeds.forEach((f, i) => {
        while (f.next < f.chunks.length && f.chunks[f.next]!.dueMs + f.delay <= t) {
          const c = f.chunks[f.next++]!;
          if (f.up(t)) this.sources[i]!.emit(c.buf);
        }
      });
    }
  }

  output(): Buffer {
    return Buffer.concat(this.out.map((c) => c.buf));
  }

  switches(): SourceEvent[] {
    return this.events.filter((e) => e.kind === 'failover' || e.kind === 'restored' || e.kind === 'switched');
  }
}

export interface OutputCheck {
  report: TsInspectionReport;
  ccErrors: number;
  pids: number[];
  /** PCR steps that go back or exceed 100 ms without discontinuity_indicator. */
  pcrProblems: string[];
  /** Per PID, decode times that do not rise. */
  decodeProblems: string[];
  /** PCR steps flagged with discontinuity_indicator. */
  flaggedPcrs: number;
  cueEventIds: number[];
}

const step = (a: number, b: number, m: number): number => {
  const d = (((b - a) % m) + m) % m;
  return d >= m / 2 ? d - m : d;
};

export function checkOutput(ts: Buffer, layout: FeedLayout = MAIN_LAYOUT): OutputCheck {
  const report = inspectTs(ts);
  const cc = new ContinuityTracker();
  let ccErrors = 0;
  const pcrProblems: string[] = [];
  const decodeProblems: string[] = [];
  const lastDecode = new Map<number, number>();
  let lastPcr = -1;
  let flaggedPcrs = 0;
  for (let off = 0, n = 0; off < ts.length; off += TS_PACKET_SIZE, n++) {
    const pid = tsPid(ts, off);
    if (pid === NULL_PID) continue;
    const disc = tsDiscontinuity(ts, off);
    if (isContinuityError(cc.observe(ts, off, pid, disc))) ccErrors++;
    if (pid === layout.videoPid) {
      const pcr = tsPcr(ts, off);
      if (pcr >= 0) {
        if (lastPcr >= 0) {
          const d = step(lastPcr, pcr, PCR_MODULO);
          if (disc) flaggedPcrs++;
          if (d <= 0 || (d > 2_700_000 && !disc)) pcrProblems.push(`packet ${n}: PCR step ${(d / 27_000).toFixed(1)} ms${disc ? ' (flagged)' : ''}`);
        }
        lastPcr = pcr;
      }
    }
    if (pid === layout.videoPid || pid === layout.audioPid) {
      if (!tsPusi(ts, off)) continue;
      const p = tsPayloadOffset(ts, off);
      if (p < 0) continue;
      const { pts, dts } = readPesTimestamps(ts, p, off + TS_PACKET_SIZE);
      const t = dts >= 0 ? dts : pts;
      if (t < 0) continue;
      const prev = lastDecode.get(pid);
      if (prev !== undefined && step(prev, t, PTS_MODULO) <= 0) decodeProblems.push(`packet ${n} PID 0x${pid.toString(16)}: decode step ${step(prev, t, PTS_MODULO)}`);
      lastDecode.set(pid, t);
    }
  }
  const cueEventIds = report.cues.flatMap((c) => (c.decoded.ok && c.decoded.value.command.type === 'splice_insert' ? [c.decoded.value.command.spliceEventId] : c.decoded.ok ? c.decoded.value.descriptors.flatMap((d) => (d.type === 'segmentation' ? [d.segmentationEventId] : [])) : []));
  return { report, ccErrors, pids: report.pids.map((p) => p.pid), pcrProblems, decodeProblems, flaggedPcrs, cueEventIds };
}

/** Index (in packets) of the first output packet handed over at or after `at`. */
export function packetIndexAt(out: { at: number; buf: Buffer }[], at: number): number {
  let n = 0;
  for (const c of out) {
    if (c.at >= at) return n;
    n += c.buf.length / TS_PACKET_SIZE;
  }
  return n;
}

export { tsRandomAccess };
