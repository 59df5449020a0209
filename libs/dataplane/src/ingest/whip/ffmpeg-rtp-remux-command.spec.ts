import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildFfmpegRtpRemuxArgs, whipRemuxSdp } from './ffmpeg-rtp-remux-command.js';

const sdpOf = (args: string[]) => Buffer.from(args[args.indexOf('-i') + 1]!.split('base64,')[1]!, 'base64').toString();

describe('buildFfmpegRtpRemuxArgs', () => {
  it('copies H.264, encodes Opus to AAC and fixes the PIDs', () => {
    const args = buildFfmpegRtpRemuxArgs({ videoPort: 40000, audioPort: 40002, audioChannels: 2 });
    assert.deepEqual(args.slice(args.indexOf('-c:v'), args.indexOf('-c:v') + 2), ['-c:v', 'copy']);
    assert.equal(args[args.indexOf('-c:a') + 1], 'aac');
    assert.deepEqual(args.filter((_, i) => args[i - 1] === '-streamid'), ['0:256', '1:257']);
    assert.equal(args.at(-1), 'pipe:1');
    const sdp = sdpOf(args);
    assert.match(sdp, /m=video 40000 RTP\/AVP 96\r\n/);
    assert.match(sdp, /m=audio 40002 RTP\/AVP 111\r\na=rtpmap:111 opus\/48000\/2/);
  });

  it('maps video only when the publisher sends no audio', () => {
    const args = buildFfmpegRtpRemuxArgs({ videoPort: 40000, audioPort: null, audioChannels: 2 });
    assert.equal(args.includes('-c:a'), false);
    assert.equal(args.filter((a) => a === '-map').length, 1);
    assert.doesNotMatch(sdpOf(args), /m=audio/);
    assert.doesNotMatch(whipRemuxSdp({ videoPort: 1, audioPort: null, audioChannels: 2 }), /opus/);
  });
});
