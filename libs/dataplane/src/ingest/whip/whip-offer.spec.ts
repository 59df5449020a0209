import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseWhipOffer, WhipOfferError, type WhipOfferErrorCode } from './whip-offer.js';

/** The shape of a Chromium offer (sendonly audio + video), trimmed to what matters. */
export function chromiumLikeOffer(opts: { video?: string[]; audio?: string[] | null } = {}): string {
  const video = opts.video ?? [
    'a=rtpmap:96 VP8/90000',
    'a=rtpmap:97 rtx/90000',
    'a=fmtp:97 apt=96',
    'a=rtpmap:102 H264/90000',
    'a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f',
    'a=rtpmap:106 H264/90000',
    'a=fmtp:106 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f',
    'a=rtpmap:112 H264/90000',
    'a=fmtp:112 level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42e01f',
  ];
  const pts = (lines: string[]) => [...new Set(lines.map((l) => /^a=rtpmap:(\d+)/.exec(l)?.[1]).filter(Boolean))].join(' ');
  const common = ['a=ice-ufrag:abcd', 'a=ice-pwd:0123456789abcdefghijklmn', 'a=fingerprint:sha-256 AA:BB', 'a=setup:actpass', 'a=sendonly', 'a=rtcp-mux'];
  const lines = ['v=0', 'o=- 123 2 IN IP4 127.0.0.1', 's=-', 't=0 0', 'a=group:BUNDLE 0 1'];
  if (opts.audio !== null) {
    const audio = opts.audio ?? ['a=rtpmap:111 opus/48000/2', 'a=fmtp:111 minptime=10;useinbandfec=1', 'a=rtpmap:63 red/48000/2'];
    lines.push(`m=audio 9 UDP/TLS/RTP/SAVPF ${pts(audio)}`, 'c=IN IP4 0.0.0.0', 'a=mid:0', ...common, ...audio);
  }
  lines.push(`m=video 9 UDP/TLS/RTP/SAVPF ${pts(video)}`, 'c=IN IP4 0.0.0.0', 'a=mid:1', ...common, ...video);
  return lines.join('\r\n') + '\r\n';
}

function refused(sdp: string, code: WhipOfferErrorCode, message: RegExp): void {
  assert.throws(() => parseWhipOffer(sdp), (err: unknown) => err instanceof WhipOfferError && err.code === code && message.test(err.message));
}

describe('parseWhipOffer', () => {
  it('picks Constrained Baseline H.264 in packetization-mode 1, and Opus', () => {
    const codecs = parseWhipOffer(chromiumLikeOffer());
    assert.equal(codecs.video.payloadType, 106);
    assert.equal(codecs.video.profileLevelId, '42e01f');
    assert.equal(codecs.video.profile, 'Constrained Baseline');
    assert.deepEqual(codecs.audio, { payloadType: 111, channels: 2, fmtp: 'minptime=10;useinbandfec=1' });
  });

  it('accepts Main and video without audio', () => {
    const codecs = parseWhipOffer(chromiumLikeOffer({ video: ['a=rtpmap:100 H264/90000', 'a=fmtp:100 packetization-mode=1;profile-level-id=4d001f'], audio: null }));
    assert.equal(codecs.video.profile, 'Main');
    assert.equal(codecs.audio, null);
  });

  it('refuses an offer without H.264, naming what was offered', () => {
    refused(chromiumLikeOffer({ video: ['a=rtpmap:96 VP8/90000', 'a=rtpmap:98 VP9/90000', 'a=rtpmap:45 AV1/90000'] }), 'unsupported_video_codec', /H\.264 is not offered \(offered: VP8, VP9, AV1\)/);
  });

  it('refuses H.264 only in packetization-mode 0 or High', () => {
    refused(chromiumLikeOffer({ video: ['a=rtpmap:112 H264/90000', 'a=fmtp:112 packetization-mode=0;profile-level-id=42e01f'] }), 'unsupported_video_codec', /packetization-mode=1/);
    refused(chromiumLikeOffer({ video: ['a=rtpmap:114 H264/90000', 'a=fmtp:114 packetization-mode=1;profile-level-id=640c1f'] }), 'unsupported_video_codec', /Constrained Baseline or Main/);
  });

  it('refuses audio that is not Opus, and an offer with audio only', () => {
    refused(chromiumLikeOffer({ audio: ['a=rtpmap:0 PCMU/8000', 'a=rtpmap:8 PCMA/8000'] }), 'unsupported_audio_codec', /offered: pcmu, pcma/);
    refused(chromiumLikeOffer().replace(/m=video 9/, 'm=video 0'), 'no_video', /no video/);
  });

  it('refuses what is not an SDP offer with a message saying why', () => {
    refused('', 'malformed_sdp', /empty/);
    refused('hello', 'malformed_sdp', /v=0/);
    refused('v=0\r\nthis is not sdp\r\n', 'malformed_sdp', /line 2/);
    refused('v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\n', 'malformed_sdp', /no media section/);
    refused(chromiumLikeOffer().replace(/a=fingerprint:[^\r]*\r\n/g, ''), 'malformed_sdp', /fingerprint/);
    refused('v=0\r\n' + 'a=x\r\n'.repeat(20000), 'malformed_sdp', /larger than/);
  });
});
