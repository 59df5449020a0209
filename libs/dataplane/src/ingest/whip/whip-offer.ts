import { h264ProfileName } from '@mld/mpegts';

/** Why an offer was refused; the API maps each to an HTTP status (400/406/409/503). */
export type WhipOfferErrorCode =
  | 'malformed_sdp'
  | 'no_video'
  | 'unsupported_video_codec'
  | 'unsupported_audio_codec'
  | 'negotiation_failed'
  | 'busy'
  | 'not_running';

export class WhipOfferError extends Error {
  constructor(
    readonly code: WhipOfferErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'WhipOfferError';
  }
}

/** The codecs of an offer the input accepts: H.264 that goes into the TS as sent, Opus for the AAC encoder. */
export interface WhipOfferCodecs {
  video: { payloadType: number; fmtp: string; profileLevelId: string; profile: string };
  /** null: the publisher sends no audio (an offer without an audio section, or one with port 0). */
  audio: { payloadType: number; channels: number; fmtp: string } | null;
}

/** An offer larger than this is not a WHIP offer (Chromium's are ~5 KiB). */
export const WHIP_MAX_OFFER_BYTES = 64 * 1024;

interface MediaSection {
  kind: string;
  port: number;
  payloadTypes: number[];
  rtpmap: Map<number, { name: string; clockRate: number; channels: number }>;
  fmtp: Map<number, string>;
}

/**
 * Checks an SDP offer before WebRTC sees it, so that a refusal says why (RFC 9725 leaves the
 * body of an error to us). Video must be H.264 with packetization-mode 1 in Constrained Baseline
 * or Main, because it goes into the TS untouched (no transcode, ADR 0017); audio, if any, Opus.
 */
export function parseWhipOffer(sdp: string): WhipOfferCodecs {
  if (typeof sdp !== 'string' || sdp.length === 0) throw new WhipOfferError('malformed_sdp', 'the body is empty: send the SDP offer (Content-Type: application/sdp)');
  if (Buffer.byteLength(sdp) > WHIP_MAX_OFFER_BYTES) throw new WhipOfferError('malformed_sdp', `the offer is larger than ${WHIP_MAX_OFFER_BYTES} bytes`);
  const lines = sdp.split(/\r?\n/).filter((l) => l.length > 0);
  if (lines[0] !== 'v=0') throw new WhipOfferError('malformed_sdp', 'not an SDP offer: the first line must be "v=0"');
  for (const [i, line] of lines.entries()) {
    if (!/^[a-z]=/.test(line)) throw new WhipOfferError('malformed_sdp', `line ${i + 1} is not "<type>=<value>": ${JSON.stringify(line.slice(0, 60))}`);
  }
  const sections = mediaSections(lines);
  if (sections.length === 0) throw new WhipOfferError('malformed_sdp', 'the offer has no media section (m=)');
  if (!lines.some((l) => l.startsWith('a=fingerprint:'))) throw new WhipOfferError('malformed_sdp', 'the offer has no DTLS fingerprint (a=fingerprint): not a WebRTC offer');
  if (!lines.some((l) => l.startsWith('a=ice-ufrag:'))) throw new WhipOfferError('malformed_sdp', 'the offer has no ICE credentials (a=ice-ufrag)');
  const videos = sections.filter((s) => s.kind === 'video' && s.port !== 0);
  if (videos.length === 0) throw new WhipOfferError('no_video', 'the offer has no video: this input needs an H.264 video track');
  if (videos.length > 1) throw new WhipOfferError('malformed_sdp', 'the offer has more than one video section: send one video track (and at most one audio track)');
  const audios = sections.filter((s) => s.kind === 'audio' && s.port !== 0);
  if (audios.length > 1) throw new WhipOfferError('malformed_sdp', 'the offer has more than one audio section');
  return { video: pickVideo(videos[0]!), audio: audios[0] ? pickAudio(audios[0]) : null };
}

function mediaSections(lines: string[]): MediaSection[] {
  const sections: MediaSection[] = [];
  let current: MediaSection | undefined;
  for (const line of lines) {
    if (line.startsWith('m=')) {
      const m = /^m=(\w+) (\d+)(?:\/\d+)? [\w/]+((?: \w+)*)$/.exec(line);
      if (!m) throw new WhipOfferError('malformed_sdp', `bad media line ${JSON.stringify(line.slice(0, 60))}`);
      current = { kind: m[1]!, port: Number(m[2]), payloadTypes: m[3]!.trim().split(' ').filter(Boolean).map(Number), rtpmap: new Map(), fmtp: new Map() };
      sections.push(current);
      continue;
    }
    if (!current) continue;
    const rtpmap = /^a=rtpmap:(\d+) ([\w.-]+)\/(\d+)(?:\/(\d+))?$/.exec(line);
    if (rtpmap) current.rtpmap.set(Number(rtpmap[1]), { name: rtpmap[2]!.toLowerCase(), clockRate: Number(rtpmap[3]), channels: Number(rtpmap[4] ?? 1) });
    const fmtp = /^a=fmtp:(\d+) (.*)$/.exec(line);
    if (fmtp) current.fmtp.set(Number(fmtp[1]), fmtp[2]!.trim());
  }
  return sections;
}

function fmtpParams(fmtp: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const part of fmtp.split(';')) {
    const [key, value] = part.trim().split('=');
    if (key) params.set(key.toLowerCase(), (value ?? '').trim());
  }
  return params;
}

/** Constrained Baseline first (what every browser encodes in software), then Main. */
function h264Rank(profileLevelId: string): number {
  const profileIdc = parseInt(profileLevelId.slice(0, 2), 16);
  const constraints = parseInt(profileLevelId.slice(2, 4), 16);
  if ((profileIdc === 0x42 && constraints & 0x40) || (profileIdc === 0x4d && constraints & 0x80)) return 2;
  if (profileIdc === 0x4d) return 1;
  return 0;
}

function pickVideo(section: MediaSection): WhipOfferCodecs['video'] {
  const offered = new Set<string>();
  let best: (WhipOfferCodecs['video'] & { rank: number }) | undefined;
  for (const pt of section.payloadTypes) {
    const codec = section.rtpmap.get(pt);
    if (!codec) continue;
    if (codec.name !== 'rtx' && codec.name !== 'red' && codec.name !== 'ulpfec' && codec.name !== 'flexfec-03') offered.add(codec.name.toUpperCase());
    if (codec.name !== 'h264' || codec.clockRate !== 90000) continue;
    const fmtp = section.fmtp.get(pt) ?? '';
    const params = fmtpParams(fmtp);
    const profileLevelId = (params.get('profile-level-id') ?? '42e01f').toLowerCase();
    if (params.get('packetization-mode') !== '1' || !/^[0-9a-f]{6}$/.test(profileLevelId)) continue;
    const rank = h264Rank(profileLevelId);
    if (rank === 0) continue;
    if (!best || rank > best.rank) {
      const profile = h264ProfileName(parseInt(profileLevelId.slice(0, 2), 16), parseInt(profileLevelId.slice(2, 4), 16));
      best = { payloadType: pt, fmtp, profileLevelId, profile, rank };
    }
  }
  if (!best) {
    const list = [...offered].join(', ') || 'none';
    const why = offered.has('H264') ? 'H.264 is offered, but not in Constrained Baseline or Main with packetization-mode=1' : 'H.264 is not offered';
    throw new WhipOfferError('unsupported_video_codec', `${why} (offered: ${list}); video goes into the stream without transcoding, so the publisher must send H.264 Constrained Baseline or Main, packetization-mode=1`);
  }
  const { rank: _rank, ...video } = best;
  return video;
}

function pickAudio(section: MediaSection): NonNullable<WhipOfferCodecs['audio']> {
  for (const pt of section.payloadTypes) {
    const codec = section.rtpmap.get(pt);
    if (codec?.name === 'opus' && codec.clockRate === 48000) return { payloadType: pt, channels: codec.channels === 2 ? 2 : 1, fmtp: section.fmtp.get(pt) ?? '' };
  }
  const offered = [...new Set(section.payloadTypes.map((pt) => section.rtpmap.get(pt)?.name).filter((n): n is string => !!n && n !== 'red' && n !== 'telephone-event' && n !== 'cn'))];
  throw new WhipOfferError('unsupported_audio_codec', `audio must be Opus/48000 (offered: ${offered.join(', ') || 'none'}); send Opus or no audio track`);
}
