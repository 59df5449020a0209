import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { classify, ffprobeArgs, parseFfprobeJson, remuxArgs, tsPacketProblem, type ProbeResult } from './media-probe.js';

const probeJson = (format: Record<string, unknown>, streams: Record<string, unknown>[]) => JSON.stringify({ programs: [], streams, format });
const h264 = { index: 0, codec_name: 'h264', codec_type: 'video', width: 320, height: 240, disposition: { attached_pic: 0 } };
const aac = { index: 1, codec_name: 'aac', codec_type: 'audio', disposition: { attached_pic: 0 } };
const mp4 = (streams: Record<string, unknown>[], brand = 'isom') => parseFfprobeJson(probeJson({ format_name: 'mov,mp4,m4a,3gp,3g2,mj2', duration: '2.000000', bit_rate: '127488', tags: { major_brand: brand } }, streams))!;

describe('ffprobe JSON → what the file is', () => {
  it('reads container, duration, bitrate and streams', () => {
    const probe = mp4([h264, aac]);
    assert.deepEqual(
      { container: probe.container, durationMs: probe.durationMs, bitrateBps: probe.bitrateBps, codecs: probe.streams.map((s) => `${s.type}:${s.codec}`) },
      { container: 'mp4', durationMs: 2000, bitrateBps: 127488, codecs: ['video:h264', 'audio:aac'] },
    );
    assert.equal(probe.streams[0]?.width, 320);
    assert.equal(mp4([h264], 'qt  ').container, 'mov');
  });

  it('returns null for output that does not describe a file, and tolerates missing fields', () => {
    assert.equal(parseFfprobeJson('not json'), null);
    assert.equal(parseFfprobeJson('{}'), null);
    const bare = parseFfprobeJson(probeJson({ format_name: 'mpegts', duration: 'N/A' }, [{ codec_type: 'data' }]));
    assert.deepEqual(bare && { d: bare.durationMs, b: bare.bitrateBps, s: bare.streams.map((s) => s.type) }, { d: null, b: null, s: ['other'] });
  });
});

describe('classify: store, remux once, or refuse naming what was found', () => {
  const ts = (streams: Record<string, unknown>[]) => parseFfprobeJson(probeJson({ format_name: 'mpegts', duration: '2.0' }, streams))!;

  it('stores a PNG or JPEG (a slate image) as is, and refuses a fake or oversized one', () => {
    const image = (format: string, codec: string, width = 1280, height = 720) => parseFfprobeJson(probeJson({ format_name: format }, [{ index: 0, codec_name: codec, codec_type: 'video', width, height }]))!;
    assert.deepEqual(classify(image('png_pipe', 'png')), { action: 'store_image', container: 'png' });
    assert.deepEqual(classify(image('jpeg_pipe', 'mjpeg')), { action: 'store_image', container: 'jpeg' });
    assert.match((classify(image('png_pipe', 'mjpeg')) as { message: string }).message, /looks like PNG but does not decode as one picture/);
    assert.match((classify(image('png_pipe', 'png', 8000, 8000)) as { message: string }).message, /the image is 8000x8000: at most 7680x4320/);
  });

  it('stores MPEG-TS as is, whatever its codecs, and refuses one with no audio or video', () => {
    assert.deepEqual(classify(ts([h264, aac])), { action: 'store', container: 'mpegts' });
    assert.deepEqual(classify(ts([{ ...h264, codec_name: 'hevc' }])), { action: 'store', container: 'mpegts' });
    const empty = classify(ts([{ codec_type: 'data', codec_name: 'scte_35' }]));
    assert.equal(empty.action, 'refuse');
  });

  it('remuxes MP4/MOV with H.264 and AAC or no audio; cover art is not a video track', () => {
    assert.deepEqual(classify(mp4([h264, aac])), { action: 'remux', container: 'mp4' });
    assert.deepEqual(classify(mp4([h264], 'qt  ')), { action: 'remux', container: 'mov' });
    assert.deepEqual(classify(mp4([h264, aac, { index: 2, codec_type: 'video', codec_name: 'mjpeg', disposition: { attached_pic: 1 } }])), { action: 'remux', container: 'mp4' });
  });

  it('refuses other codecs and containers with a message naming what was found and what is accepted', () => {
    const refused = (probe: ProbeResult) => {
      const verdict = classify(probe);
      assert.equal(verdict.action, 'refuse');
      return verdict.action === 'refuse' ? verdict.message : '';
    };
    assert.match(refused(mp4([{ ...h264, codec_name: 'mpeg4' }])), /^the file is mp4 with video mpeg4 and audio none; accepted: MPEG-TS .*MP4\/MOV with H\.264 video and AAC audio/);
    assert.match(refused(mp4([h264, { ...aac, codec_name: 'opus' }])), /mp4 with video h264 and audio opus/);
    assert.match(refused(mp4([aac])), /mp4 with video none and audio aac/);
    assert.match(refused(parseFfprobeJson(probeJson({ format_name: 'matroska,webm' }, [h264]))!), /^the file is matroska with video h264/);
  });
});

describe('MPEG-TS packet alignment (what a byte relay needs)', () => {
  const packets = (n: number, size = 188) => {
    const bytes = new Uint8Array(n * size);
    for (let i = 0; i < n; i += 1) bytes[i * size + (size === 192 ? 4 : 0)] = 0x47;
    return bytes;
  };
  it('accepts 188-byte packets and refuses M2TS, a cut start and a tiny file', () => {
    assert.equal(tsPacketProblem(packets(4), 188 * 100), null);
    assert.match(tsPacketProblem(packets(4, 192), 192 * 100) ?? '', /does not start with an MPEG-TS packet/);
    const m2tsAligned = packets(4, 192).subarray(4);
    assert.match(tsPacketProblem(m2tsAligned, 192 * 100) ?? '', /no sync byte at offset 188/);
    assert.match(tsPacketProblem(packets(1).subarray(0, 100), 100) ?? '', /shorter than one MPEG-TS packet/);
  });
});

describe('tool arguments', () => {
  it('probe and remux read only local files through whitelisted demuxers, paths as file: URLs', () => {
    const probe = ffprobeArgs('/data/media/.incoming/x.upload');
    assert.equal(probe.at(-1), 'file:/data/media/.incoming/x.upload');
    assert.equal(probe[probe.indexOf('-protocol_whitelist') + 1], 'file');
    const formats = probe[probe.indexOf('-format_whitelist') + 1]!.split(',');
    for (const indirection of ['hls', 'concat', 'dash', 'image2']) assert.ok(!formats.includes(indirection), indirection);
    const remux = remuxArgs('/in.upload', '/out.ts');
    assert.deepEqual(remux.slice(remux.indexOf('-c')), ['-c', 'copy', '-bsf:v', 'h264_mp4toannexb', '-f', 'mpegts', '-y', 'file:/out.ts']);
    assert.equal(remux[remux.indexOf('-i') + 1], 'file:/in.upload');
  });
});
