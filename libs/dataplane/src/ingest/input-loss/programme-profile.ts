// The last-seen codec parameters of a channel's programme: what a slate must be encoded as for a
// decoder (and an RTMP platform) to go on without reinitialising. Read from the stream itself,
// a few packets every couple of seconds (an SPS at a random-access point, one audio frame header).
import { findH264Sps, parseAc3Header, parseAdtsHeader, parseH264Sps, parseMpegAudioHeader, STREAM_TYPE, TS_PACKET_SIZE, type AudioFormat, type H264Sps } from '@mld/mpegts';
import type { InputMonitor } from '../redundant/input-monitor.js';
import { type SlateVideo, x264LevelFor, x264ProfileFor } from './slate-command.js';

/** Parameters rarely change: looked at again this often (ms), so a change is picked up. */
const RECHECK_MS = 2000;
/** Common frame durations at 90 kHz → exact rates (29.97 is 30000/1001, not 29.97). */
const RATES: readonly [step: number, num: number, den: number][] = [
  [3753.75, 24000, 1001], [3750, 24, 1], [3600, 25, 1], [3003, 30000, 1001], [3000, 30, 1],
  [1800, 50, 1], [1501.5, 60000, 1001], [1500, 60, 1],
];

export interface ProgrammeParams {
  video: SlateVideo;
  sps: H264Sps;
  audio: AudioFormat | null;
  /** The video's decode time ahead of the PCR (the encoder's mux delay), seconds; 0 when unknown. */
  muxDelaySeconds: number;
}

/** A mux delay beyond this is not one (a clock jump between the samples): not copied. */
const MAX_MUX_DELAY_90K = 2 * 90_000;
const PTS_WRAP = 2 ** 33;

export function frameRateOf(step90k: number): { num: number; den: number } | null {
  if (!(step90k > 0)) return null;
  for (const [step, num, den] of RATES) if (Math.abs(step - step90k) <= step * 0.01) return { num, den };
  const fps = Math.round(90_000 / step90k);
  return fps >= 1 && fps <= 120 ? { num: fps, den: 1 } : null;
}

export class ProgrammeProfile {
  private sps: H264Sps | null = null;
  private audio: AudioFormat | null = null;
  private videoCheckedAt = -Infinity;
  private audioCheckedAt = -Infinity;

  constructor(private readonly monitor: InputMonitor) {}

  /** Whole packets of the programme (after the monitor saw them). */
  observe(chunk: Buffer, now: number): void {
    const layout = this.monitor.layout;
    if (!layout) return;
    const wantVideo = now - this.videoCheckedAt >= RECHECK_MS;
    const wantAudio = now - this.audioCheckedAt >= RECHECK_MS;
    if (!wantVideo && !wantAudio) return;
    const videoPid = this.monitor.videoPid;
    const audio = layout.streams.find((s) => audioCodecOf(s.streamType, s.codec) !== null);
    for (let off = 0; off + TS_PACKET_SIZE <= chunk.length; off += TS_PACKET_SIZE) {
      if ((chunk[off + 1]! & 0x40) === 0) continue;
      const pid = ((chunk[off + 1]! & 0x1f) << 8) | chunk[off + 2]!;
      const payload = payloadOf(chunk, off);
      if (!payload) continue;
      if (pid === videoPid && wantVideo && this.videoCheckedAt < now) {
        const nal = findH264Sps(payload);
        const sps = nal ? parseH264Sps(nal) : null;
        if (sps) {
          this.sps = sps;
          this.videoCheckedAt = now;
        }
      } else if (audio && pid === audio.pid && wantAudio && this.audioCheckedAt < now) {
        const codec = audioCodecOf(audio.streamType, audio.codec);
        const f = codec === 'aac' ? parseAdtsHeader(payload) : codec === 'mp2' ? parseMpegAudioHeader(payload) : parseAc3Header(payload);
        if (f) {
          this.audio = f;
          this.audioCheckedAt = now;
        }
      }
    }
  }

  /** What the slate is encoded as; null until the programme's H.264 SPS and frame rate are known. */
  params(): ProgrammeParams | null {
    const sps = this.sps;
    const videoPid = this.monitor.videoPid;
    if (!sps || videoPid < 0) return null;
    const rate = frameRateOf(this.monitor.decodeStep[videoPid]!);
    if (!rate) return null;
    const hasAudio = this.monitor.layout?.streams.some((s) => audioCodecOf(s.streamType, s.codec) !== null) ?? false;
    const dts = this.monitor.lastDecode[videoPid]!;
    const pcr = this.monitor.lastPcr27M;
    const lead = dts >= 0 && pcr >= 0 ? (((dts - pcr / 300) % PTS_WRAP) + PTS_WRAP) % PTS_WRAP : -1;
    return {
      muxDelaySeconds: lead >= 0 && lead <= MAX_MUX_DELAY_90K ? Math.round(lead / 900) / 100 : 0,
      sps,
      video: { width: sps.width, height: sps.height, fpsNum: rate.num, fpsDen: rate.den, profile: x264ProfileFor(sps.profileIdc), level: x264LevelFor(sps.levelIdc) },
      audio: hasAudio ? this.audio : null,
    };
  }
}

function audioCodecOf(streamType: number, codec: string): AudioFormat['codec'] | null {
  if (streamType === STREAM_TYPE.AAC_ADTS) return 'aac';
  if (streamType === STREAM_TYPE.MPEG1_AUDIO || streamType === STREAM_TYPE.MPEG2_AUDIO) return 'mp2';
  if (streamType === STREAM_TYPE.AC3 || codec === 'AC-3') return 'ac3';
  return null;
}

/** The PES payload (after the PES header) in a packet that starts a PES. */
function payloadOf(b: Buffer, off: number): Buffer | null {
  const afc = (b[off + 3]! >> 4) & 0x03;
  if ((afc & 1) === 0) return null;
  const p = afc === 3 ? off + 5 + b[off + 4]! : off + 4;
  if (p + 9 > off + TS_PACKET_SIZE || b[p] !== 0 || b[p + 1] !== 0 || b[p + 2] !== 1) return null;
  const start = p + 9 + b[p + 8]!;
  return start < off + TS_PACKET_SIZE ? b.subarray(start, off + TS_PACKET_SIZE) : null;
}
