// The FFmpeg that makes a channel's input-loss slate: a still picture (the admin's image, black,
// or a built-in card) and silence, encoded to what the programme was (size, frame rate, H.264
// profile and level, audio codec, rate and channels), so a decoder and an RTMP platform go on
// without reinitialising. Paced in real time (-re), written as MPEG-TS to stdout. ADR 0016.
import type { AudioFormat } from '@mld/mpegts';

export type H264Profile = 'baseline' | 'main' | 'high';

export interface SlateVideo {
  width: number;
  height: number;
  /** Frame rate as a fraction (30000/1001 stays exact). */
  fpsNum: number;
  fpsDen: number;
  profile: H264Profile;
  /** H.264 level as libx264 takes it ("3.1", "4"). */
  level: string;
}

export type SlatePicture =
  /** codec: the image's decoder, from its bytes (the library stores files without their extension). */
  | { kind: 'image'; path: string; codec: 'png' | 'mjpeg' }
  | { kind: 'black' }
  /** Text comes from a file we write (never from the filter string); no font file: a plain card. */
  | { kind: 'card'; textFile: string; fontFile: string | null };

export interface SlateSpec {
  video: SlateVideo;
  /** null: the programme had no audio we can match; the slate has none either. */
  audio: AudioFormat | null;
  picture: SlatePicture;
  /**
   * How far the programme's decode times run ahead of its PCR (its encoder's mux delay), seconds. The
   * slate gets the same, so that when the switcher joins the timelines on the PCR the pictures join too
   * (with FFmpeg's default 0.7 s on one side and 0 on the other, the return to the programme showed a
   * 0.78 s hole). Default 0.
   */
  muxDelaySeconds?: number;
}

/** A GOP per second: the outputs can cut in (and back out) at most a second after it starts. */
const KEYFRAMES_PER_SECOND = 1;
const CARD_BACKGROUND = '0x1b2433';
const EARLY_KEYFRAMES_S = 3;

/** H.264 profile_idc → what libx264 can encode at 8-bit 4:2:0 that a decoder of that profile accepts. */
export function x264ProfileFor(profileIdc: number): H264Profile {
  if (profileIdc === 66) return 'baseline';
  if (profileIdc === 77 || profileIdc === 88) return 'main';
  return 'high';
}

/** level_idc (31) → "3.1"; level 1b (9, or 11 with constraint_set3 in baseline) → "1b". */
export function x264LevelFor(levelIdc: number): string {
  if (levelIdc === 9) return '1b';
  return levelIdc % 10 === 0 ? String(levelIdc / 10) : (levelIdc / 10).toFixed(1);
}

/** Escapes a value for an FFmpeg filter option (our own paths only: `\`, `'`, `:` and `,`). */
function filterValue(v: string): string {
  return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "'\\''").replace(/:/g, '\\:')}'`;
}

function channelLayout(channels: number): string {
  return channels === 1 ? 'mono' : channels === 2 ? 'stereo' : channels === 6 ? '5.1' : `${channels}c`;
}

export function buildSlateArgs(spec: SlateSpec): string[] {
  const { video: v, audio: a, picture } = spec;
  const rate = `${v.fpsNum}/${v.fpsDen}`;
  const size = `${v.width}x${v.height}`;
  const inputs: string[] = [];
  let filter: string;
  if (picture.kind === 'image') {
    inputs.push('-re', '-f', 'image2', '-c:v', picture.codec, '-loop', '1', '-framerate', rate, '-i', `file:${picture.path}`);
    // Letterboxed into the programme's size, whatever the image's.
    filter = `scale=${v.width}:${v.height}:force_original_aspect_ratio=decrease,pad=${v.width}:${v.height}:(ow-iw)/2:(oh-ih)/2,setsar=1,format=yuv420p`;
  } else {
    const colour = picture.kind === 'black' ? 'black' : CARD_BACKGROUND;
    inputs.push('-re', '-f', 'lavfi', '-i', `color=c=${colour}:s=${size}:r=${rate}`);
    filter = 'format=yuv420p';
    if (picture.kind === 'card' && picture.fontFile) {
      filter =
        `drawtext=fontfile=${filterValue(picture.fontFile)}:textfile=${filterValue(picture.textFile)}:expansion=none` +
        `:fontcolor=white:fontsize=${Math.max(8, Math.round(v.height / 16))}:line_spacing=${Math.round(v.height / 40)}:x=(w-text_w)/2:y=(h-text_h)/2,format=yuv420p`;
    }
  }
  if (a) inputs.push('-re', '-f', 'lavfi', '-i', `anullsrc=r=${a.sampleRate}:cl=${channelLayout(a.channels)}`);
  const gop = String(Math.max(1, Math.round((v.fpsNum / v.fpsDen) * (1 / KEYFRAMES_PER_SECOND))));
  const audio = !a
    ? []
    : [
        '-map', '1:a:0',
        '-c:a', a.codec === 'aac' ? 'aac' : a.codec === 'mp2' ? 'mp2' : 'ac3',
        '-ar', String(a.sampleRate),
        '-ac', String(a.channels),
        '-b:a', a.codec === 'ac3' && a.channels > 2 ? '384k' : '128k',
        '-streamid', '1:257',
      ];
  return [
    '-hide_banner',
    '-nostats',
    '-nostdin',
    '-loglevel', 'level+warning',
    ...inputs,
    '-map', '0:v:0',
    '-vf', filter,
    '-r', rate,
    '-c:v', 'libx264',
    '-preset', 'veryfast',
    '-tune', 'stillimage',
    '-profile:v', v.profile,
    '-level:v', v.level,
    '-pix_fmt', 'yuv420p',
    '-g', gop,
    '-keyint_min', gop,
    // Four key frames a second for the first 3 s: the outputs cut in at the next one, so the slate
    // shows ≤ 0.25 s after after_ms instead of up to a GOP later (measured: ~0.9 s with 1 s GOPs).
    '-force_key_frames', `expr:if(lt(t,${EARLY_KEYFRAMES_S}),gte(t,n_forced*0.25),gte(t,n_forced-${EARLY_KEYFRAMES_S * 4 - EARLY_KEYFRAMES_S}))`,
    '-sc_threshold', '0',
    '-bf', '0',
    // A still picture needs little; a floor keeps platforms from warning about a starved stream.
    '-b:v', '1000k',
    '-maxrate', '1500k',
    '-bufsize', '3000k',
    '-x264-params', 'repeat-headers=1',
    '-streamid', '0:256',
    ...audio,
    '-mpegts_service_id', '1',
    '-mpegts_pmt_start_pid', '4096',
    '-flush_packets', '1',
    '-muxdelay', (spec.muxDelaySeconds ?? 0).toFixed(2),
    '-f', 'mpegts',
    'pipe:1',
  ];
}
