// What the outputs see of a main/backup pair: one continuous TS (ADR 0013). The packets of the
// input on air are copied out with their PIDs mapped onto the output's one layout; PAT, PMT and
// SCTE-35 are the output's own (sections re-sent on the input's cadence, counters running on);
// at a switch the output gets PAT and PMT at once, every elementary stream resumes at a PES start
// (the video at a random-access point), and the TsTimelineStitcher shifts the new input's clocks
// to go on from the output's (wall time in between included) and renumbers continuity counters,
// flagging the first PCR as a discontinuity.
import { MAX_PID, PTS_MODULO, readPesTimestamps, SectionPacketizer, STREAM_TYPE, TS_PACKET_SIZE, TS_SYNC_BYTE, tsPcr, tsPid, TsTimelineStitcher } from '@mld/mpegts';
import type { CueLedger } from './cue-ledger.js';
import { FLAG_CUE_PID, FLAG_PAT_DONE, FLAG_PMT_DONE, FLAG_PSI, FLAG_RAP, type InputMonitor } from './input-monitor.js';
import { DROP, identityMap, mapOntoReference, type PidMap } from './program-layout.js';
import { OutputPsi } from './output-psi.js';

const OPEN = 0;
const WAIT_PES_START = 1;
const WAIT_RANDOM_ACCESS = 2;
/** Room for PSI and cue packets a chunk may gain on the way. */
const EXTRA_PACKETS = 2;
/** The target's packets held while the old input finishes its frame (planned switch). */
interface Hold {
  target: number;
  since: number;
  buf: Buffer;
  flags: Uint8Array;
  count: number;
}

/** A planned switch holds the target's packets while the old input finishes its frame: at most this many. */
const MAX_HELD_PACKETS = 4096;

/** The least a cut moves the output's PCR forward (1 ms, 90 kHz). */
const MIN_PCR_STEP_90K = 90;

export interface CutReport {
  /** -1 when nothing was on air before (the output opens). */
  from: number;
  to: number;
  at: number;
  /** Time since the last packet sent before the cut (0 for the first). */
  gapMs: number;
  atRandomAccess: boolean;
  /** 90 kHz shift applied to the new input's clocks. */
  offset90k: number;
}

export interface TsSwitcherOptions {
  monitors: readonly [InputMonitor, InputMonitor];
  ledger: CueLedger;
  emit: (chunk: Buffer) => void;
  onCut: (cut: CutReport) => void;
  /** Before anything is on air: the input to open the output with as soon as its PMT is known. */
  opening: () => number;
  /** A planned switch (and the video after an emergency one) waits this long for a random-access point. */
  maxRapWaitMs: number;
  /** How long a planned switch holds the target while the old input finishes its current frame. */
  maxHoldMs: number;
  /**
   * Emit what went out before a cut as a chunk of its own, so that each emitted chunk comes from
   * one input (the input-loss slate goes only to the outputs that take it). Default false.
   */
  splitAtCut?: boolean;
}

export interface TsSwitcherStats {
  packetsOut: number;
  /** Packets of PIDs the output does not carry (not in the input's PMT). */
  unmapped: number;
  /** Packets left out after a switch until their stream reached a PES start / random-access point. */
  gated: number;
  /** PCRs kept (as adaptation-only packets) from packets left out that way. */
  pcrKept: number;
  psiSent: number;
}

const mod33 = (v: number): number => ((v % PTS_MODULO) + PTS_MODULO) % PTS_MODULO;
function signed33(d: number): number {
  const m = mod33(d);
  return m >= PTS_MODULO / 2 ? m - PTS_MODULO : m;
}

export class TsSwitcher {
  readonly stats: TsSwitcherStats = { packetsOut: 0, unmapped: 0, gated: 0, pcrKept: 0, psiSent: 0 };
  private readonly stitcher = new TsTimelineStitcher();
  private readonly psi = new OutputPsi();
  private readonly cuePackets = new Map<number, SectionPacketizer>();
  private onAir = -1;
  private owner = -1;
  private readonly maps: (PidMap | null)[] = [null, null];
  private readonly mapSeq = [-1, -1, -1];
  private readonly gate = new Uint8Array(MAX_PID + 1);
  private rapGateUntil = 0;
  private offset = 0;
  private segmentStart = 0;
  private outPcr90 = -1;
  private outPcrAt = 0;
  private readonly outDecode = new Float64Array(MAX_PID + 1).fill(-1);
  /** Latest presentation time on the output per PID (B-frames present after later-decoded frames). */
  private readonly outPresent = new Float64Array(MAX_PID + 1).fill(-1);
  /** Decode time (input's clock) of the last PES start sent per output PID in this segment, -1 none. */
  private readonly sentDecode = new Float64Array(MAX_PID + 1).fill(-1);
  /** Latest presentation time (input's clock) sent per output PID in this segment, -1 none. */
  private readonly sentPresent = new Float64Array(MAX_PID + 1).fill(-1);
  private lastSentAt = -1;
  private pendingSwitch: { target: number; since: number } | null = null;
  private hold: Hold | null = null;
  private out: Buffer = Buffer.alloc(0);
  private outLen = 0;
  private stitched = 0;
  private now = 0;

  constructor(private readonly o: TsSwitcherOptions) {}

  /** The input on air, -1 before the output opened. */
  get active(): number {
    return this.onAir;
  }

  /** The input a planned switch is waiting for, or -1. */
  get pending(): number {
    return this.hold?.target ?? this.pendingSwitch?.target ?? -1;
  }

  get pendingSince(): number {
    return this.hold?.since ?? this.pendingSwitch?.since ?? 0;
  }

  /** Input PID → output PID pairs of input `i` (empty until its PMT is known). */
  pidPairs(i: number): { from: number; to: number }[] {
    return this.maps[i]?.pairs ?? [];
  }

  get pmtVersion(): number {
    return this.psi.version;
  }

  /** A chunk of whole packets from input `i`, received at `now`. */
  push(i: number, chunk: Buffer, now: number): void {
    this.now = now;
    const m = this.o.monitors[i]!;
    if (this.out.length === 0) this.begin(chunk.length);
    for (let off = 0; off + TS_PACKET_SIZE <= chunk.length; off += TS_PACKET_SIZE) {
      const flags = m.packet(chunk, off, now);
      if ((flags & FLAG_PMT_DONE) !== 0) {
        this.layoutMayHaveChanged(i);
        // The output opens right here, so nothing after the input's first PMT is lost.
        if (this.onAir < 0 && this.o.opening() === i && this.cut(i, now, true)) continue;
      }
      if (i === this.onAir) {
        if (this.hold && this.isFrameStart(i, chunk, off)) {
          this.cut(this.hold.target, now, true);
          continue;
        }
        this.forward(i, chunk, off, flags, now);
      } else if (this.hold?.target === i) {
        this.holdPacket(chunk, off, flags);
        if (this.hold.count >= MAX_HELD_PACKETS || now - this.hold.since > this.o.maxHoldMs) this.cut(i, now, true);
      } else if (this.pendingSwitch?.target === i && (flags & FLAG_RAP) !== 0) {
        this.reachedRandomAccess(i, chunk, off, flags, now);
      }
    }
    this.flush();
  }

  /** A SCTE-35 section completed on input `i` (InputMonitor's onCue). */
  onCue(i: number, section: Buffer, pid: number): void {
    const map = this.maps[i];
    if (i !== this.onAir || !map) {
      this.o.ledger.onStandby(i, section, pid, this.now);
      return;
    }
    if (this.o.ledger.onAir(i, section, this.now)) this.writeCue(map.pid[pid]!, section);
  }

  /** Puts `target` on air at once (emergency, or the output's first input). False if its layout is not known yet. */
  cutNow(target: number, now: number): boolean {
    if (target === this.onAir) return true;
    this.now = now;
    if (this.out.length === 0) this.begin(0);
    if (this.hold?.target !== target) this.hold = null;
    this.pendingSwitch = null;
    const ok = this.cut(target, now, true);
    this.flush();
    return ok;
  }

  /** Puts `target` on air at its next random-access point (bounded by maxRapWaitMs). */
  arm(target: number, now: number): void {
    if (target === this.onAir || this.pending === target) return;
    this.hold = null;
    this.pendingSwitch = { target, since: now };
  }

  /** The planned switch no longer holds. */
  disarm(): void {
    this.pendingSwitch = null;
    this.hold = null;
  }

  /** Time-bounded waits: a planned switch without a random-access point, a hold the old input never ends. */
  tick(now: number): void {
    this.now = now;
    if (this.out.length === 0) this.begin(0);
    if (this.hold && now - this.hold.since > this.o.maxHoldMs) this.cut(this.hold.target, now, true);
    if (this.pendingSwitch && now - this.pendingSwitch.since > this.o.maxRapWaitMs) this.cut(this.pendingSwitch.target, now, false);
    this.flush();
  }

  // ---- the cut ------------------------------------------------------------------------------

  private reachedRandomAccess(i: number, chunk: Buffer, off: number, flags: number, now: number): void {
    const old = this.onAir;
    const oldMonitor = old >= 0 ? this.o.monitors[old]! : null;
    const oldAlive = oldMonitor !== null && oldMonitor.videoPid >= 0 && now - oldMonitor.lastPacketAt < this.o.maxHoldMs;
    if (!oldAlive) {
      if (this.cut(i, now, true)) this.forward(i, chunk, off, flags, now);
      return;
    }
    // Let the old input finish the frame it is sending: hold the target until the old video's next PES start.
    this.pendingSwitch = null;
    this.hold = { target: i, since: now, buf: Buffer.allocUnsafe(64 * TS_PACKET_SIZE), flags: new Uint8Array(64), count: 0 };
    this.holdPacket(chunk, off, flags);
  }

  private holdPacket(chunk: Buffer, off: number, flags: number): void {
    const h = this.hold!;
    if ((h.count + 1) * TS_PACKET_SIZE > h.buf.length) {
      const grown = Buffer.allocUnsafe(h.buf.length * 2);
      h.buf.copy(grown, 0, 0, h.count * TS_PACKET_SIZE);
      const f = new Uint8Array(h.flags.length * 2);
      f.set(h.flags);
      h.buf = grown;
      h.flags = f;
    }
    chunk.copy(h.buf, h.count * TS_PACKET_SIZE, off, off + TS_PACKET_SIZE);
    // What the monitor said then; PSI and cues it completed are re-sent at the cut anyway.
    h.flags[h.count++] = flags & (FLAG_RAP | FLAG_PSI | FLAG_CUE_PID);
  }

  private isFrameStart(i: number, buf: Buffer, off: number): boolean {
    const pid = ((buf[off + 1]! & 0x1f) << 8) | buf[off + 2]!;
    return pid === this.o.monitors[i]!.videoPid && (buf[off + 1]! & 0x40) !== 0 && (buf[off + 3]! & 0x10) !== 0;
  }

  /**
   * Puts `target` on air now. `videoAtRandomAccess`: its video waits for a random-access point
   * (false only when the bounded wait for one already ran out).
   */
  private cut(target: number, now: number, videoAtRandomAccess: boolean): boolean {
    const m = this.o.monitors[target]!;
    if (!m.layout) return false;
    const from = this.onAir;
    if (this.o.splitAtCut && this.outLen > 0) {
      this.flush();
      this.begin(64 * TS_PACKET_SIZE);
    }
    this.stitchPending();
    if (from >= 0) this.rememberOutputClock(from);
    if (this.owner < 0) this.owner = target;
    this.refreshMaps();
    const map = this.maps[target]!;
    const held = this.hold?.target === target ? this.hold : null;
    if (from >= 0) {
      this.offset = this.joinOffset(target, map, now, held);
      this.stitcher.startSegment(this.offset, { discontinuity: true });
    }
    this.onAir = target;
    this.segmentStart = now;
    this.sentDecode.fill(-1);
    this.sentPresent.fill(-1);
    this.gate.fill(OPEN);
    for (const s of m.layout.streams) {
      const to = map.pid[s.pid]!;
      if (to === DROP || s.streamType === STREAM_TYPE.SCTE35) continue;
      this.gate[to] = s.pid === m.videoPid && videoAtRandomAccess ? WAIT_RANDOM_ACCESS : WAIT_PES_START;
    }
    this.rapGateUntil = now + this.o.maxRapWaitMs;
    this.psi.set(map.program);
    this.writePat();
    this.writePmt();
    for (const c of this.o.ledger.takeMissed(target, now)) this.writeCue(map.pid[c.pid]!, c.section);
    const gapMs = this.lastSentAt < 0 ? 0 : Math.max(0, now - this.lastSentAt);
    this.hold = null;
    this.pendingSwitch = null;
    this.o.onCut({ from, to: target, at: now, gapMs, atRandomAccess: videoAtRandomAccess, offset90k: this.offset });
    if (held) for (let k = 0; k < held.count; k++) this.forward(target, held.buf, k * TS_PACKET_SIZE, held.flags[k]!, now);
    return true;
  }

  /** What the output's clocks reached with input `i` on air, kept across segments. */
  private rememberOutputClock(i: number): void {
    const m = this.o.monitors[i]!;
    const map = this.maps[i];
    if (m.lastPcr27M >= 0 && m.lastPcrAt >= this.segmentStart) {
      this.outPcr90 = mod33(Math.floor(m.lastPcr27M / 300) + this.offset);
      this.outPcrAt = m.lastPcrAt;
    }
    if (!map) return;
    for (const { to } of map.pairs) {
      const t = this.sentDecode[to]!;
      if (t >= 0) {
        const out = mod33(t + this.offset);
        const prev = this.outDecode[to]!;
        if (prev < 0 || signed33(out - prev) > 0) this.outDecode[to] = out;
      }
      const p = this.sentPresent[to]!;
      if (p >= 0) {
        const out = mod33(p + this.offset);
        const prev = this.outPresent[to]!;
        if (prev < 0 || signed33(out - prev) > 0) this.outPresent[to] = out;
      }
    }
  }

  /**
   * The 90 kHz shift that makes `target` go on from the output: its PCR lands where the output's
   * would be now (so a gap as long as the real one shows), then pushed further if some stream's
   * decode time would not rise by at least one of its frames, or its pictures would be presented
   * before the old input's last one (with B-frames the latest presentation time sent is ahead of
   * the latest decode time).
   *
   * The first PES of a stream that goes out is the first one starting among the packets held for
   * the cut (planned switch), else the one after the last start the target's monitor saw (that
   * PES started before the cut and is never sent; its presentation time is at least its decode
   * time). Measuring from the last start seen instead pushed the whole programme one audio PES
   * late at every planned switch: an audio PES dropped and the picture held for as long.
   */
  private joinOffset(target: number, map: PidMap, now: number, held: Hold | null): number {
    const m = this.o.monitors[target]!;
    let offset = 0;
    if (this.outPcr90 >= 0 && m.lastPcr27M >= 0) {
      const outNow = this.outPcr90 + (now - this.outPcrAt) * 90;
      const targetNow = m.lastPcr27M / 300 + (now - m.lastPcrAt) * 90;
      offset = outNow - targetNow;
      // The target's first PCR out (the first held, else the next after the last one seen) lands
      // after the output's last: held packets arrived before the old input's last PCR, and by
      // wall time alone they would map behind it (the network's jitter decides by how much).
      const pcrPid = m.layout!.pcrPid;
      const firstPcr = held ? firstHeldPcr90(held, pcrPid) : -1;
      const first = firstPcr >= 0 ? firstPcr : m.lastPcr27M / 300;
      const ahead = signed33(first + offset - this.outPcr90);
      if (ahead < MIN_PCR_STEP_90K) offset += MIN_PCR_STEP_90K - ahead;
    }
    let worst = Number.POSITIVE_INFINITY;
    for (const { from, to } of map.pairs) {
      const last = this.outDecode[to]!;
      const t = m.lastDecode[from]!;
      if (last < 0 || t < 0) continue;
      const step = Math.max(1, m.decodeStep[from]!);
      const first = held ? firstHeldTimes(held, from) : null;
      const firstDecode = first ? first.decode : t + step;
      worst = Math.min(worst, signed33(firstDecode + offset - last) - step);
      const lastPresent = this.outPresent[to]!;
      const firstPresent = first ? first.minPresent : firstDecode;
      if (lastPresent >= 0) worst = Math.min(worst, signed33(firstPresent + offset - lastPresent) - step);
    }
    if (worst < 0) offset -= worst;
    return mod33(Math.round(offset));
  }

  // ---- per packet ---------------------------------------------------------------------------

  /** Keeps the decode time and the latest presentation time of what this segment sent on `to` (the packet's own PES header). */
  private noteSentPes(buf: Buffer, off: number, to: number): void {
    const t = pesTimesAt(buf, off);
    if (!t) return;
    this.sentDecode[to] = t.dts >= 0 ? t.dts : t.pts;
    const p = this.sentPresent[to]!;
    if (p < 0 || signed33(t.pts - p) > 0) this.sentPresent[to] = t.pts;
  }

  private forward(i: number, buf: Buffer, off: number, flags: number, now: number): void {
    if ((flags & FLAG_PSI) !== 0) {
      if ((flags & FLAG_PAT_DONE) !== 0) this.writePat();
      if ((flags & FLAG_PMT_DONE) !== 0) {
        this.psi.set(this.maps[i]!.program);
        this.writePmt();
      }
      return;
    }
    if ((flags & FLAG_CUE_PID) !== 0) return;
    if (buf[off] !== TS_SYNC_BYTE) return;
    const pid = ((buf[off + 1]! & 0x1f) << 8) | buf[off + 2]!;
    const to = this.maps[i]!.pid[pid]!;
    if (to === DROP) {
      this.stats.unmapped++;
      return;
    }
    const g = this.gate[to]!;
    if (g !== OPEN) {
      const pesStart = (buf[off + 1]! & 0x40) !== 0 && (buf[off + 3]! & 0x10) !== 0;
      const open = g === WAIT_RANDOM_ACCESS ? (flags & FLAG_RAP) !== 0 || (pesStart && now >= this.rapGateUntil) : pesStart;
      if (!open) {
        this.stats.gated++;
        this.keepPcr(buf, off, to);
        return;
      }
      this.gate[to] = OPEN;
    }
    if ((buf[off + 1]! & 0x40) !== 0) this.noteSentPes(buf, off, to);
    const q = this.reserve(1);
    buf.copy(this.out, q, off, off + TS_PACKET_SIZE);
    if (to !== pid) {
      this.out[q + 1] = (buf[off + 1]! & 0xe0) | (to >> 8);
      this.out[q + 2] = to & 0xff;
    }
    this.stats.packetsOut++;
    this.lastSentAt = now;
  }

  /** A packet left out still carries the clock: its PCR goes out in an adaptation-only packet. */
  private keepPcr(buf: Buffer, off: number, to: number): void {
    if ((buf[off + 3]! & 0x20) === 0 || buf[off + 4]! < 7 || (buf[off + 5]! & 0x10) === 0) return;
    const q = this.reserve(1);
    this.out.fill(0xff, q, q + TS_PACKET_SIZE);
    this.out[q] = TS_SYNC_BYTE;
    this.out[q + 1] = (buf[off + 1]! & 0xa0) | (to >> 8); // no payload, so no payload_unit_start
    this.out[q + 2] = to & 0xff;
    this.out[q + 3] = (buf[off + 3]! & 0xc0) | 0x20 | (buf[off + 3]! & 0x0f);
    this.out[q + 4] = TS_PACKET_SIZE - 5;
    this.out[q + 5] = buf[off + 5]! & 0x90; // discontinuity_indicator and PCR_flag only
    buf.copy(this.out, q + 6, off + 6, off + 12);
    this.stats.pcrKept++;
  }

  private writePat(): void {
    const p = this.psi.patPackets();
    if (p) this.writePackets(p);
  }

  private writePmt(): void {
    const p = this.psi.pmtPackets();
    if (p) this.writePackets(p);
  }

  private writeCue(pid: number, section: Buffer): void {
    if (pid === DROP) return;
    let pk = this.cuePackets.get(pid);
    if (!pk) this.cuePackets.set(pid, (pk = new SectionPacketizer(pid)));
    this.writePackets(pk.packetize(section));
  }

  private writePackets(p: Buffer): void {
    const q = this.reserve(p.length / TS_PACKET_SIZE);
    p.copy(this.out, q);
    this.stats.psiSent += p.length / TS_PACKET_SIZE;
  }

  // ---- layouts ------------------------------------------------------------------------------

  private layoutMayHaveChanged(i: number): void {
    const [a, b] = this.o.monitors;
    if (this.owner < 0 || (a.layoutSeq === this.mapSeq[0] && b.layoutSeq === this.mapSeq[1])) return;
    this.refreshMaps();
    // The input on air re-sends its PMT in this very packet; a change seen on the other one is sent now.
    if (this.onAir >= 0 && i !== this.onAir && this.psi.set(this.maps[this.onAir]!.program)) this.writePmt();
  }

  private refreshMaps(): void {
    const reference = this.o.monitors[this.owner]!.layout!;
    for (let i = 0; i < 2; i++) {
      const layout = this.o.monitors[i]!.layout;
      this.maps[i] = !layout ? null : i === this.owner ? identityMap(reference) : mapOntoReference(reference, layout);
      this.mapSeq[i] = this.o.monitors[i]!.layoutSeq;
    }
  }

  // ---- output buffer ------------------------------------------------------------------------

  private begin(bytes: number): void {
    this.out = Buffer.allocUnsafe(bytes + EXTRA_PACKETS * TS_PACKET_SIZE);
    this.outLen = 0;
    this.stitched = 0;
  }

  private reserve(packets: number): number {
    const n = packets * TS_PACKET_SIZE;
    if (this.outLen + n > this.out.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.out.length * 2, this.outLen + n));
      this.out.copy(grown, 0, 0, this.outLen);
      this.out = grown;
    }
    const q = this.outLen;
    this.outLen += n;
    return q;
  }

  private stitchPending(): void {
    if (this.outLen > this.stitched) this.stitcher.process(this.out, this.stitched, this.outLen);
    this.stitched = this.outLen;
  }

  private flush(): void {
    this.stitchPending();
    if (this.outLen > 0) this.o.emit(this.out.subarray(0, this.outLen));
    this.out = Buffer.alloc(0);
    this.outLen = 0;
    this.stitched = 0;
  }
}

/** The PTS and DTS (-1 when absent) of the PES starting in a packet with PUSI set; null when it carries none. */
function pesTimesAt(b: Buffer, off: number): { pts: number; dts: number } | null {
  if ((b[off + 3]! & 0x10) === 0) return null;
  const p = (b[off + 3]! & 0x20) === 0 ? off + 4 : off + 5 + b[off + 4]!;
  if (p >= off + TS_PACKET_SIZE) return null;
  const t = readPesTimestamps(b, p, off + TS_PACKET_SIZE);
  return t.pts < 0 ? null : t;
}

/**
 * Of the PESs of `pid` that start among the packets held for a planned cut: the first one's
 * decode time (DTS, else PTS) and the earliest presentation time of them all; null when none starts.
 */
function firstHeldTimes(held: Hold, pid: number): { decode: number; minPresent: number } | null {
  const b = held.buf;
  let first: { decode: number; minPresent: number } | null = null;
  for (let k = 0; k < held.count; k++) {
    const off = k * TS_PACKET_SIZE;
    if ((((b[off + 1]! & 0x1f) << 8) | b[off + 2]!) !== pid || (b[off + 1]! & 0x40) === 0) continue;
    const t = pesTimesAt(b, off);
    if (!t) continue;
    if (!first) first = { decode: t.dts >= 0 ? t.dts : t.pts, minPresent: t.pts };
    else if (signed33(t.pts - first.minPresent) < 0) first.minPresent = t.pts;
  }
  return first;
}

/** The first PCR (90 kHz) among the packets held for a planned cut on `pcrPid`, -1 when none carries one. */
function firstHeldPcr90(held: Hold, pcrPid: number): number {
  for (let k = 0; k < held.count; k++) {
    const pcr = tsPcr(held.buf, k * TS_PACKET_SIZE);
    if (pcr >= 0 && tsPid(held.buf, k * TS_PACKET_SIZE) === pcrPid) return pcr / 300;
  }
  return -1;
}
